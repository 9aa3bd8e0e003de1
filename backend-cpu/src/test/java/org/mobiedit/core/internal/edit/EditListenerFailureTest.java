package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.model.LanguageModel;

/**
 * A listener that throws at any hook aborts the edit: its exception reaches the caller unchanged, the model
 * computes bit for bit as before, nothing is listed as applied, and the editor keeps working. (Before, a throwing
 * {@code onFinish} left the successful edit's update in the model with no record of it.)
 */
class EditListenerFailureTest {
  /** Runs the Tom → cat edit with a listener that throws {@code failure} where it says; checks what is left. */
  private static void assertAbortedCleanly(RuntimeException failure, EditListener listener) {
    assertAbortedCleanly(failure, listener, false);
  }

  private static void assertAbortedCleanly(RuntimeException failure, EditListener listener, boolean thenEditAgain) {
    try (LanguageModel lm = Stories260K.load()) {
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      float[] before = Stories260K.logits(lm);
      assertThatThrownBy(() -> editor.newCall(Stories260K.TOM_CAT, listener).execute()).isSameAs(failure);
      assertArrayEquals(before, Stories260K.logits(lm), "the failed edit changed the model");
      assertThat(editor.getAppliedEdits()).isEmpty();
      assertThatThrownBy(editor::undoLast).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("no edit to undo");
      if (!thenEditAgain) {
        return;
      }
      // The editor is still usable: the same edit, without the failing listener, applies and is recorded.
      EditResult r = editor.edit(Stories260K.TOM_CAT);
      assertThat(r.isSuccess()).isTrue();
      assertThat(editor.getAppliedEdits()).containsExactly("edit-1");
      editor.undoLast();
      assertArrayEquals(before, Stories260K.logits(lm));
    }
  }

  @Test
  void aListenerThrowingInOnStartLeavesTheModelBitIdentical() {
    RuntimeException failure = new IllegalStateException("listener bug in onStart");
    assertAbortedCleanly(failure, new EditListener() {
      @Override
      public void onStart(EditRequest request, int maxSteps) {
        throw failure;
      }
    });
  }

  @Test
  void aListenerThrowingInOnPrefixCacheBuiltLeavesTheModelBitIdentical() {
    RuntimeException failure = new IllegalStateException("listener bug in onPrefixCacheBuilt");
    assertAbortedCleanly(failure, new EditListener() {
      @Override
      public void onPrefixCacheBuilt(long millis) {
        throw failure;
      }
    });
  }

  @Test
  void aListenerThrowingInOnStepLeavesTheModelBitIdentical() {
    RuntimeException failure = new IllegalStateException("listener bug in onStep");
    assertAbortedCleanly(failure, new EditListener() {
      @Override
      public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
        if (step == 7) {
          throw failure;
        }
      }
    });
  }

  @Test
  void aListenerThrowingInOnEarlyStopCheckLeavesTheModelBitIdentical() {
    RuntimeException failure = new IllegalStateException("listener bug in onEarlyStopCheck");
    assertAbortedCleanly(failure, new EditListener() {
      @Override
      public void onEarlyStopCheck(int step, boolean rewritten) {
        throw failure;
      }
    });
  }

  @Test
  void aListenerThrowingInOnEarlyStopCheckOfTheSuccessfulCheckLeavesTheModelBitIdentical() {
    RuntimeException failure = new IllegalStateException("listener bug when the check succeeds");
    assertAbortedCleanly(failure, new EditListener() {
      @Override
      public void onEarlyStopCheck(int step, boolean rewritten) {
        if (rewritten) {
          throw failure;
        }
      }
    });
  }

  @Test
  void aListenerThrowingInOnFinishAfterASuccessfulEditLeavesTheModelBitIdentical() {
    RuntimeException failure = new IllegalStateException("listener bug in onFinish");
    assertAbortedCleanly(failure, new EditListener() {
      @Override
      public void onFinish(EditResult result) {
        assertThat(result.isSuccess()).isTrue();
        throw failure;
      }
    }, true);
  }

  @Test
  void aListenerThrowingAnErrorIsPassedOnAsItselfToo() {
    AssertionError failure = new AssertionError("a test double's failed expectation in onFinish");
    try (LanguageModel lm = Stories260K.load()) {
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      float[] before = Stories260K.logits(lm);
      assertThatThrownBy(() -> editor.newCall(Stories260K.TOM_CAT, new EditListener() {
        @Override
        public void onFinish(EditResult result) {
          throw failure;
        }
      }).execute()).isSameAs(failure);
      assertArrayEquals(before, Stories260K.logits(lm));
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
  }

  @Test
  void aListenerCallingItsOwnEditorIsRefusedAndTheEditLeavesNothing() {
    try (LanguageModel lm = Stories260K.load()) {
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      float[] before = Stories260K.logits(lm);
      assertThatThrownBy(() -> editor.newCall(Stories260K.TOM_CAT, new EditListener() {
        @Override
        public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
          editor.edit(EditRequest.of("Lily", "{} went to the", "zoo"));
        }
      }).execute()).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("from inside an operation of the same editor")
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.INVALID_REQUEST);
      assertArrayEquals(before, Stories260K.logits(lm));
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
  }
}
