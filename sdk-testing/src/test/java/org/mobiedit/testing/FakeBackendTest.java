package org.mobiedit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditCall;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.backend.BackendSelector;

/**
 * The fake backend as an app's tests meet it: through the SDK's real entry point, with backend-cpu on the same class
 * path.
 */
@ExtendWith(FakeBackendExtension.class)
class FakeBackendTest {
  private static final Path NO_MODEL = Path.of("models/not-on-this-machine");
  private static final EditRequest EIFFEL = EditRequest.of("The Eiffel Tower", "{} is located in", "Rome");

  @Test
  void winsBackendSelectionOverTheCpuBackendAndNeedsNoModelFile() {
    assertThat(BackendSelector.discover().select().provider().id()).isEqualTo("fake");
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      assertThat(editor.edit(EIFFEL).isSuccess()).isTrue();
    }
  }

  @Test
  void anUnscriptedEditSucceedsAndTheModelThenAnswersWithTheNewObject() {
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      assertThat(editor.generate("The Eiffel Tower is located in", GenerationOptions.greedy(8)).getText()).isEmpty();
      EditResult r = editor.edit(EIFFEL);
      assertThat(r.getSteps()).isEqualTo(FakeBackend.DEFAULT_STEPS);
      assertThat(r.getStopReason()).isEqualTo(EditResult.StopReason.EARLY_STOP_SUCCESS);
      assertThat(editor.generate("Q: The Eiffel Tower is located in", GenerationOptions.greedy(8)).getText())
          .isEqualTo(" Rome");
      assertThat(editor.getAppliedEdits()).containsExactly("edit-1");
    }
  }

  @Test
  void aScriptedEditReportsEveryStepToTheListener(FakeBackend fake) {
    fake.onEdit("The Eiffel Tower").succeedAfter(3);
    List<String> events = new ArrayList<>();
    try (Editor editor = MobiEdit.open(NO_MODEL, EditOptions.builder().maxSteps(50).build())) {
      EditResult r = editor.newCall(EIFFEL, recorder(events)).execute();
      assertThat(r.getSteps()).isEqualTo(3);
      assertThat(r.getLossCurve()).hasSize(3);
    }
    assertThat(events).containsExactly("start 50", "prefix", "step 1", "step 2", "step 3", "check 3 true", "finish");
  }

  @Test
  void recordsWhatItWasAskedAndWhetherEditorsWereClosed(FakeBackend fake) {
    Editor editor = MobiEdit.open(NO_MODEL);
    editor.edit("Lily", "{} went to the", "zoo");
    editor.generate("Lily went to the", GenerationOptions.greedy(4));
    assertThat(fake.openedModels()).containsExactly(NO_MODEL);
    assertThat(fake.editRequests()).containsExactly(EditRequest.of("Lily", "{} went to the", "zoo"));
    assertThat(fake.generatePrompts()).containsExactly("Lily went to the");
    assertThat(fake.openEditors()).isEqualTo(1);
    editor.close();
    editor.close();
    assertThat(fake.openEditors()).isZero();
    assertThatThrownBy(() -> editor.edit(EIFFEL)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("closed")
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(Reason.INVALID_REQUEST);
  }

  @Test
  void anInjectedFailureReachesTheCallerAndNothingIsApplied(FakeBackend fake) {
    fake.onEdit("The Eiffel Tower").failAtStep(2, Reason.BACKEND_FAILURE, "NPU lost");
    List<String> events = new ArrayList<>();
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      assertThatThrownBy(() -> editor.newCall(EIFFEL, recorder(events)).execute())
          .isInstanceOf(MobiEditException.class)
          .hasMessage("NPU lost")
          .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(Reason.BACKEND_FAILURE);
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
    assertThat(events).containsExactly("start " + EditOptions.recommended().getMaxSteps(), "prefix", "step 1");
  }

  @Test
  void aSearchThatDoesNotConvergeUsesEveryStepAndAppliesNothing(FakeBackend fake) {
    fake.onEdit("The Eiffel Tower").notConverge();
    try (Editor editor = MobiEdit.open(NO_MODEL, EditOptions.builder().maxSteps(20).build())) {
      EditResult r = editor.edit(EIFFEL);
      assertThat(r.isSuccess()).isFalse();
      assertThat(r.getStopReason()).isEqualTo(EditResult.StopReason.MAX_STEPS);
      assertThat(r.getSteps()).isEqualTo(20);
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
  }

  @Test
  void cancellingFromAnotherThreadStopsASlowEditAtOnce(FakeBackend fake) throws Exception {
    fake.onEdit("The Eiffel Tower").succeedAfter(100).taking(Duration.ofSeconds(1));
    CountDownLatch firstStep = new CountDownLatch(1);
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      EditCall call = editor.newCall(EIFFEL, new EditListener() {
        @Override
        public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
          firstStep.countDown();
        }
      });
      fake.onEdit("x").taking(Duration.ZERO); // rules added while an edit runs do not disturb it
      CompletableFuture<EditResult> running = CompletableFuture.supplyAsync(call::execute);
      assertThat(firstStep.await(5, TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      call.cancel();
      assertThatThrownBy(() -> running.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(MobiEditException.class)
          .cause().extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(Reason.CANCELLED);
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(900));
      assertThat(call.isCanceled()).isTrue();
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
    assertThat(fake.cancelledEdits()).containsExactly(EIFFEL);
  }

  @Test
  void aScriptedCancellationBehavesLikeTheUserCancelling(FakeBackend fake) {
    fake.onEdit("The Eiffel Tower").succeedAfter(10).cancelAtStep(4);
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      EditCall call = editor.newCall(EIFFEL, EditListener.NONE);
      assertThatThrownBy(call::execute).hasMessageContaining("cancelled at step 4");
      assertThat(call.isCanceled()).isTrue();
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
  }

  @Test
  void latencyIsInjectedPerStep(FakeBackend fake) {
    fake.onEdit("The Eiffel Tower").succeedAfter(4).taking(Duration.ofMillis(50));
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      assertThat(editor.edit(EIFFEL).getWallMillis()).isGreaterThanOrEqualTo(200);
    }
  }

  @Test
  void theLastMatchingRuleWins(FakeBackend fake) {
    fake.onEdit(r -> true).succeedAfter(7);
    fake.onEdit("Lily").succeedAfter(2);
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      assertThat(editor.edit("Lily", "{} went to the", "zoo").getSteps()).isEqualTo(2);
      assertThat(editor.edit(EIFFEL).getSteps()).isEqualTo(7);
    }
  }

  @Test
  void generationRepliesFailsAndTakesTimeAsScripted(FakeBackend fake) {
    fake.onGenerate("The capital of France is").reply(" Paris. It is").taking(Duration.ofMillis(30));
    fake.onGenerate(p -> p.startsWith("crash")).failWith(Reason.CONTEXT_OVERFLOW, "too long");
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      long start = System.nanoTime();
      assertThat(editor.generate("The capital of France is", GenerationOptions.greedy(6)).getText())
          .isEqualTo(" Paris");
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
      assertThatThrownBy(() -> editor.generate("crash now", GenerationOptions.greedy(6)))
          .hasMessage("too long");
    }
  }

  @Test
  void savedEditsComeBackInAnotherEditorAndForeignFilesAreRefused(@TempDir Path dir) throws Exception {
    Path patch = dir.resolve("edits.medp");
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      editor.edit(EIFFEL);
      editor.edit("Lily", "{} went to the", "zoo");
      editor.undo("edit-1");
      editor.save(patch);
    }
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      editor.load(patch);
      assertThat(editor.getAppliedEdits()).containsExactly("edit-2");
      assertThat(editor.generate("Lily went to the", GenerationOptions.greedy(8)).getText()).isEqualTo(" zoo");
      assertThatThrownBy(() -> editor.load(patch)).hasMessageContaining("already applied");
      editor.undoLast();
      assertThatThrownBy(editor::undoLast).hasMessage("There is no edit to undo.");
      Path foreign = Files.writeString(dir.resolve("other.medp"), "MEDP binary");
      assertThatThrownBy(() -> editor.load(foreign)).hasMessageContaining("not a patch written by the fake");
    }
  }

  @Test
  void anOpenCanBeMadeToFailLikeAMissingModel(FakeBackend fake) {
    fake.failNextOpen(Reason.MODEL_NOT_FOUND, "no model at models/x");
    assertThatThrownBy(() -> MobiEdit.open(NO_MODEL)).hasMessage("no model at models/x")
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(Reason.MODEL_NOT_FOUND);
    try (Editor editor = MobiEdit.open(NO_MODEL)) { // only the next one
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
    assertThat(fake.openEditors()).isZero();
  }

  @Test
  void switchedOffOrBypassedTheRealBackendIsUsed(FakeBackend fake) {
    assertThatThrownBy(() -> MobiEdit.open(NO_MODEL, EditOptions.defaults(), "cpu", 1))
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(Reason.MODEL_NOT_FOUND);
    fake.setEnabled(false);
    assertThat(BackendSelector.discover().select().provider().id()).isEqualTo("cpu");
    assertThat(fake.openedModels()).isEmpty();
  }

  private static EditListener recorder(List<String> events) {
    return new EditListener() {
      @Override
      public void onStart(EditRequest request, int maxSteps) {
        events.add("start " + maxSteps);
      }

      @Override
      public void onPrefixCacheBuilt(long millis) {
        events.add("prefix");
      }

      @Override
      public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
        events.add("step " + step);
      }

      @Override
      public void onEarlyStopCheck(int step, boolean rewritten) {
        events.add("check " + step + " " + rewritten);
      }

      @Override
      public void onFinish(EditResult result) {
        events.add("finish");
      }
    };
  }

  /** What {@link EditCall#enqueue} delivers, and on which thread. */
  private static final class Outcome implements EditCall.Callback {
    final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    volatile EditResult result;
    volatile RuntimeException error;
    volatile String thread;

    @Override
    public void onResult(EditCall call, EditResult r) {
      result = r;
      thread = Thread.currentThread().getName();
      done.countDown();
    }

    @Override
    public void onFailure(EditCall call, RuntimeException e) {
      error = e;
      thread = Thread.currentThread().getName();
      done.countDown();
    }

    Outcome await() throws InterruptedException {
      assertThat(done.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the callback was called").isTrue();
      return this;
    }
  }

  @Test
  void anEnqueuedEditReportsItsResultOnABackgroundThread(FakeBackend fake) throws InterruptedException {
    fake.onEdit("The Eiffel Tower").succeedAfter(7).taking(java.time.Duration.ofMillis(20));
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      Outcome o = new Outcome();
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      editor.newCall(EIFFEL, new org.mobiedit.api.EditListener() {
        @Override
        public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
          try {
            go.await(); // the edit cannot end before the test lets it
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }).enqueue(o);
      assertThat(o.done.getCount()).as("enqueue returned while the edit is still running").isEqualTo(1);
      go.countDown();
      o.await();
      assertThat(o.error).isNull();
      assertThat(o.result.getSteps()).isEqualTo(7);
      assertThat(o.thread).isEqualTo("mobiedit-edit");
      assertThat(editor.getAppliedEdits()).hasSize(1);
    }
  }

  @Test
  void anEnqueuedEditThatFailsOrIsCancelledReportsTheFailure(FakeBackend fake) throws InterruptedException {
    fake.onEdit("Mars").failAtStep(2, MobiEditException.Reason.BACKEND_FAILURE, "NPU lost");
    fake.onEdit("The Eiffel Tower").succeedAfter(50).taking(java.time.Duration.ofMillis(20));
    try (Editor editor = MobiEdit.open(NO_MODEL)) {
      Outcome failed = new Outcome();
      editor.newCall(EditRequest.of("Mars", "{} is", "blue"), new org.mobiedit.api.EditListener() {}).enqueue(failed);
      assertThat(((MobiEditException) failed.await().error).getReason())
          .isEqualTo(MobiEditException.Reason.BACKEND_FAILURE);

      Outcome cancelled = new Outcome();
      EditCall call = editor.newCall(EIFFEL, new org.mobiedit.api.EditListener() {});
      call.enqueue(cancelled);
      call.cancel();
      assertThat(((MobiEditException) cancelled.await().error).getReason())
          .isEqualTo(MobiEditException.Reason.CANCELLED);
      assertThat(editor.getAppliedEdits()).isEmpty();

      Outcome again = new Outcome();
      call.enqueue(again);
      assertThat(again.await().error).isInstanceOf(IllegalStateException.class);
    }
  }
}
