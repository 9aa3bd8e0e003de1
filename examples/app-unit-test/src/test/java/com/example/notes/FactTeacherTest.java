package com.example.notes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.example.notes.FactTeacher.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.mobiedit.api.EditCall;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Editor;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.testing.FakeBackend;
import org.mobiedit.testing.FakeBackendExtension;

/**
 * The app's tests: no model file and no NPU. The production constructor is used as is; sdk-testing on the test class
 * path makes the SDK hand it the fake editor. The progress bar is a Mockito mock.
 */
@ExtendWith(FakeBackendExtension.class)
class FactTeacherTest {
  private static final Path MODEL = Path.of("/data/app/models/assistant");
  private final FactTeacher.ProgressView bar = mock(FactTeacher.ProgressView.class);

  @Test
  void aLearnedFactIsAnsweredAndTheBarFills(FakeBackend fake) {
    fake.onEdit("My manager").succeedAfter(4);
    try (FactTeacher teacher = new FactTeacher(MODEL, bar)) {
      Outcome o = teacher.teach("My manager", "{} is", "Priya");
      assertThat(o).isEqualTo(new Outcome.Learned("Priya", 4));
      assertThat(teacher.ask("Who is it? My manager is")).isEqualTo("Priya");
    }
    ArgumentCaptor<Integer> shown = ArgumentCaptor.forClass(Integer.class);
    verify(bar, atLeast(2)).show(shown.capture());
    List<Integer> values = shown.getAllValues();
    assertThat(values).as("one update per step, then 100").hasSize(5).isSorted().last().isEqualTo(100);
    assertThat(values.subList(0, 4)).allMatch(v -> v < 100);
    assertThat(fake.editRequests()).containsExactly(EditRequest.of("My manager", "{} is", "Priya"));
    assertThat(fake.openedModels()).containsExactly(MODEL);
    assertThat(fake.openEditors()).as("the teacher closes its editor").isZero();
  }

  @Test
  void aFactTheModelDoesNotTakeIsReportedAndNothingChanges(FakeBackend fake) {
    fake.onEdit("My manager").notConverge();
    try (FactTeacher teacher = new FactTeacher(MODEL, bar)) {
      assertThat(teacher.teach("My manager", "{} is", "Priya")).isInstanceOf(Outcome.NotLearned.class);
      assertThat(teacher.ask("My manager is")).isEmpty();
    }
    verify(bar, never()).show(100);
  }

  @Test
  void aBackendFailureBecomesAMessageNotACrash(FakeBackend fake) {
    fake.onEdit("My manager").failAtStep(3, Reason.BACKEND_FAILURE, "the NPU was reset");
    try (FactTeacher teacher = new FactTeacher(MODEL, bar)) {
      assertThat(teacher.teach("My manager", "{} is", "Priya"))
          .isEqualTo(new Outcome.NotLearned("Editing failed: the NPU was reset"));
    }
  }

  @Test
  void blankFieldsAreCaughtBeforeAnythingRuns(FakeBackend fake) {
    try (FactTeacher teacher = new FactTeacher(MODEL, bar)) {
      assertThat(teacher.teach("  ", "{} is", "Priya")).isEqualTo(new Outcome.NotLearned(
          "Please fill in all three fields."));
    }
    assertThat(fake.editRequests()).isEmpty();
  }

  @Test
  void stopCancelsASlowEdit(FakeBackend fake) throws Exception {
    fake.onEdit("My manager").succeedAfter(1000).taking(Duration.ofMillis(20)); // 20 s if never stopped
    try (FactTeacher teacher = new FactTeacher(MODEL, p -> { })) {
      CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> teacher.teach("My manager", "{} is",
          "Priya"));
      while (fake.editRequests().isEmpty()) {
        Thread.onSpinWait();
      }
      Thread.sleep(100);
      teacher.cancel();
      assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo(new Outcome.Cancelled());
    }
    assertThat(fake.cancelledEdits()).hasSize(1);
  }

  /** The same class with Mockito alone: Editor and EditCall are interfaces. */
  @Test
  void withMockitoAnEditorCanBeMockedDirectly() {
    Editor editor = mock(Editor.class);
    EditCall call = mock(EditCall.class);
    when(editor.newCall(any(), any())).thenReturn(call);
    when(call.execute()).thenThrow(new MobiEditException(Reason.CANCELLED, "cancelled"));
    try (FactTeacher teacher = new FactTeacher(path -> editor, MODEL, bar)) {
      assertThat(teacher.teach("My manager", "{} is", "Priya")).isEqualTo(new Outcome.Cancelled());
    }
    verify(editor).close();
  }
}
