package org.mobiedit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Editor;
import org.mobiedit.core.MobiEdit;

/**
 * Editors opened on threads no test started (a pool created earlier, as a coroutine dispatcher's): they find their
 * test's fake by the model path it claims, or the only one installed; with several installed and no claim, the open
 * fails and says what to do rather than guessing.
 */
@Isolated // it counts the fakes installed in the whole JVM
class FakeBackendClaimTest {
  private static final EditRequest LILY = EditRequest.of("Lily", "{} went to the", "moon");

  @Test
  void aPoolThreadFindsTheClaimingFakeAndFailsClearlyWhenItCannotKnow() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.submit(() -> { }).get(); // a thread of its own, where no fake is installed
    FakeBackend other = FakeBackend.create();
    CountDownLatch otherInstalled = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Thread otherTest = new Thread(() -> {
      try (FakeBackend.Installation i = other.install()) {
        otherInstalled.countDown();
        done.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "another-test");
    otherTest.start();
    assertThat(otherInstalled.await(30, TimeUnit.SECONDS)).isTrue();
    Path model = Paths.get("models/claimed");
    try (FakeBackend.Installation mine = FakeBackend.create().install()) {
      FakeBackend fake = mine.fake();
      fake.onEdit("Lily").succeedAfter(9);

      ExecutionException unknown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> pool.submit(() -> MobiEdit.open(model)).get());
      assertThat(unknown.getCause()).hasMessageContaining("call fake.claim(modelPath)");

      fake.claim(model);
      assertThatThrownBy(() -> other.claim(model)).hasMessageContaining("claimed by another test's fake");
      int steps = pool.submit(() -> {
        try (Editor editor = MobiEdit.open(model)) {
          return editor.edit(LILY).getSteps();
        }
      }).get();
      assertThat(steps).isEqualTo(9);
      assertThat(fake.editRequests()).containsExactly(LILY);
      assertThat(other.editRequests()).isEmpty();
    } finally {
      done.countDown();
      otherTest.join();
    }
    // the claim ended with the installation; with no fake installed, the pool thread uses the shared one
    FakeBackend.get().reset();
    try {
      pool.submit(() -> {
        MobiEdit.open(model).close();
        return null;
      }).get();
      assertThat(FakeBackend.get().openedModels()).containsExactly(model);
    } finally {
      FakeBackend.get().reset();
      pool.shutdown();
    }
  }
}
