package org.mobiedit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.MobiEdit;

/**
 * Two tests scripting the same subject in opposite ways, run at the same time by JUnit 5 (this module's
 * junit-platform.properties lets classes ask for parallel execution): each sees its own script and records only its
 * own calls. The barrier makes them overlap: if JUnit ran them one after the other, its wait would time out and fail.
 * (The class itself runs alone, as every class of this module does.)
 */
@ExtendWith(FakeBackendExtension.class)
class FakeBackendParallelTest {
  private static final CyclicBarrier BOTH_SCRIPTED = new CyclicBarrier(2);
  private static final CyclicBarrier BOTH_EDITED = new CyclicBarrier(2);
  private static final Path MODEL = Paths.get("models/shared-name");
  private static final EditRequest LILY = EditRequest.of("Lily", "{} went to the", "moon");

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aTestWhoseEditSucceeds(FakeBackend fake) throws Exception {
    fake.onEdit("Lily").succeedAfter(7);
    BOTH_SCRIPTED.await(30, TimeUnit.SECONDS);
    EditResult r;
    try (Editor editor = MobiEdit.open(MODEL)) {
      r = editor.edit(LILY);
    }
    BOTH_EDITED.await(30, TimeUnit.SECONDS);
    assertThat(r.isSuccess()).isTrue();
    assertThat(r.getSteps()).isEqualTo(7);
    assertThat(fake.editRequests()).containsExactly(LILY);
    assertThat(fake.openedModels()).containsExactly(MODEL);
    assertThat(FakeBackend.get()).isSameAs(fake);
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aTestWhoseEditFails(FakeBackend fake) throws Exception {
    fake.onEdit("Lily").failWith(MobiEditException.Reason.BACKEND_FAILURE, "NPU lost");
    BOTH_SCRIPTED.await(30, TimeUnit.SECONDS);
    try (Editor editor = MobiEdit.open(MODEL)) {
      assertThatThrownBy(() -> editor.edit(LILY)).hasMessageContaining("NPU lost");
      editor.generate("Lily went to the", org.mobiedit.api.GenerationOptions.greedy(4));
    }
    BOTH_EDITED.await(30, TimeUnit.SECONDS);
    assertThat(fake.editRequests()).containsExactly(LILY);
    assertThat(fake.generatePrompts()).containsExactly("Lily went to the");
    assertThat(FakeBackend.get()).isSameAs(fake);
  }
}
