package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.spi.BackendModel;

/**
 * {@code close()} while a real edit runs in another thread: it cancels the edit, waits for it to end, then releases
 * the model; the edit never runs on released weights; every later operation fails clearly.
 */
class EditorCloseTest {
  @TempDir Path dir;

  @Test
  void closeDuringARunningEditCancelsItWaitsForItAndThenRefusesEverything() throws Exception {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        AtomicBoolean released = new AtomicBoolean();
        AtomicInteger callsAfterRelease = new AtomicInteger();
        LanguageModel lm = Stories260K.load(real -> (BackendModel) Proxy.newProxyInstance(
            BackendModel.class.getClassLoader(), new Class<?>[] {BackendModel.class}, (proxy, m, args) -> {
              if (m.getName().equals("close")) {
                released.set(true);
              } else if (released.get()) {
                callsAfterRelease.incrementAndGet();
              }
              try {
                return m.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }));
        MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicInteger hooksAfterClose = new AtomicInteger();
        Future<EditResult> edit = pool.submit(() -> editor.newCall(Stories260K.TOM_CAT, new EditListener() {
          @Override
          public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
            running.countDown();
            if (closeReturned.get()) {
              hooksAfterClose.incrementAndGet();
            }
          }
        }).execute());
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        editor.close();
        closeReturned.set(true);
        // close() waited: the edit ended (cancelled) before the model was released, and did nothing afterwards.
        assertThatThrownBy(() -> edit.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
            .isInstanceOf(MobiEditException.class)
            .extracting(e -> ((MobiEditException) e).getReason())
            .isEqualTo(MobiEditException.Reason.CANCELLED);
        assertThat(hooksAfterClose.get()).as("edit steps after close() returned").isZero();
        assertThat(released.get()).isTrue();
        assertThat(callsAfterRelease.get()).as("backend calls after the model was released").isZero();
        assertRefusedAfterClose(editor);
        editor.close(); // idempotent
      } finally {
        pool.shutdownNow();
      }
    });
  }

  @Test
  void closeFromTheEditsOwnListenerCancelsTheEditWithoutDeadlock() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      LanguageModel lm = Stories260K.load();
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      assertThatThrownBy(() -> editor.newCall(Stories260K.TOM_CAT, new EditListener() {
        @Override
        public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
          if (step == 3) {
            editor.close();
          }
        }
      }).execute()).isInstanceOf(MobiEditException.class)
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.CANCELLED);
      assertRefusedAfterClose(editor);
    });
  }

  @Test
  void everyOperationAfterCloseFailsWithTheEditorIsClosed() {
    LanguageModel lm = Stories260K.load();
    MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
    editor.close();
    assertRefusedAfterClose(editor);
  }

  private void assertRefusedAfterClose(MobiEditor editor) {
    List<ThrowingCallable> operations = List.of(
        () -> editor.edit(Stories260K.TOM_CAT),
        () -> editor.newCall(Stories260K.TOM_CAT, EditListener.NONE).execute(),
        () -> editor.generate("Lily went to the", GenerationOptions.greedy(2)),
        editor::undoLast,
        () -> editor.undo("edit-1"),
        editor::getAppliedEdits,
        () -> editor.save(dir.resolve("edits.medp")),
        () -> editor.load(dir.resolve("edits.medp")));
    for (ThrowingCallable op : operations) {
      assertThatThrownBy(op).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("the editor is closed")
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.INVALID_REQUEST);
    }
  }
}
