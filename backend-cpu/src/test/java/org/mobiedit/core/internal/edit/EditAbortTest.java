package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.LossRequest;
import org.mobiedit.spi.MlpCapture;
import org.mobiedit.spi.PrefixState;

/**
 * Edits that fail half-way leave the real model exactly as it was: a backend whose activations overflow mid-edit
 * (its logits turn NaN or infinite at the fourth step, as an int8 accelerator can), and a listener that throws while
 * the candidate update of an early-stopping check is applied.
 */
class EditAbortTest {
  private static LanguageModel load() {
    return LanguageModel.load(SharedData.require("models/stories260K/stories260K-f32.gguf"),
        new LoadOptions(Precision.FP32, "cpu", 2));
  }

  private static float[] probe(LanguageModel lm) {
    int[] ids = lm.tokenizer().encodeForModel("Lily went to the park and");
    return lm.backendModel().forward(new int[][] {ids}, new int[][] {{ids.length - 1}})[0][0];
  }

  @Test
  void aListenerFailingDuringAnEarlyStopCheckLeavesNoUpdateBehind() {
    try (LanguageModel lm = load()) {
      float[] before = probe(lm);
      EditEngine engine = new EditEngine(lm.backendModel(), lm.tokenizer());
      EditListener failing = new EditListener() {
        @Override
        public void onEarlyStopCheck(int step, boolean success) {
          throw new IllegalStateException("listener bug at step " + step);
        }
      };
      assertThatThrownBy(() -> engine.edit(EditRequest.of("Lily", "{} went to the", "zoo"),
          EditOptions.builder().maxSteps(100).learningRate(0.5).build(), failing, () -> false))
          .hasMessage("listener bug at step 20");
      assertArrayEquals(before, probe(lm));
    }
  }

  @ParameterizedTest
  @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY}) // an infinite logit gives a NaN log-softmax
  void aNonFiniteLossAbortsTheEditAndLeavesTheModelUnchanged(float poison) {
    try (LanguageModel lm = load()) {
      BackendModel real = lm.backendModel();
      int[][] probe = {lm.tokenizer().encodeForModel("Lily went to the park and")};
      int[][] at = {{probe[0].length - 1}};
      float[] before = real.forward(probe, at)[0][0];
      AtomicInteger calls = new AtomicInteger();
      BackendModel faulty = stepLogitsRewritten(real, logits -> {
        if (calls.incrementAndGet() == 4) {
          logits[2][0][0][7] = poison;
        }
      });
      EditEngine engine = new EditEngine(faulty, lm.tokenizer());
      EditRequest request = EditRequest.of("Lily", "{} went to the", "zoo");
      assertThatThrownBy(() -> engine.edit(request, EditOptions.builder().maxSteps(100).learningRate(0.5).build()))
          .isInstanceOf(MobiEditException.class)
          .hasMessageContaining("loss became N")
          .hasMessageContaining("at step 3")
          .hasMessageContaining("model is unchanged")
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.BACKEND_FAILURE);
      assertThat(calls.get()).isEqualTo(4);
      assertArrayEquals(before, real.forward(probe, at)[0][0]);
    }
  }

  /** The real model behind a proxy that may rewrite what {@code method} returns. */
  private static BackendModel rewriting(BackendModel real, String method,
      java.util.function.UnaryOperator<Object> rewrite) {
    return (BackendModel) Proxy.newProxyInstance(BackendModel.class.getClassLoader(),
        new Class<?>[] {BackendModel.class}, (proxy, m, args) -> {
          Object out;
          try {
            out = m.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          return m.getName().equals(method) ? rewrite.apply(out) : out;
        });
  }

  /**
   * The real model behind a proxy whose step evaluations ({@code resumeLoss}) come from {@code resume}'s logits after
   * {@code rewrite} changed them, evaluated as the SPI's default does: a backend that returns a broken logit.
   */
  private static BackendModel stepLogitsRewritten(BackendModel real,
      java.util.function.Consumer<float[][][][]> rewrite) {
    return (BackendModel) Proxy.newProxyInstance(BackendModel.class.getClassLoader(),
        new Class<?>[] {BackendModel.class}, (proxy, m, args) -> {
          try {
            if (m.getName().equals("resumeLoss")) {
              float[][][][] logits = real.resume((PrefixState) args[0], (float[][]) args[1], (int[][]) args[2]);
              rewrite.accept(logits);
              return ((LossRequest) args[3]).evaluate(logits);
            }
            return m.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void aSearchWhoseCorrectionOverflowsAbortsClearlyAndLeavesTheModelUnchanged() {
    try (LanguageModel lm = load()) {
      BackendModel real = lm.backendModel();
      float[] before = probe(lm);
      AtomicInteger calls = new AtomicInteger();
      // At the second step, one perturbation's target logits are -3e38: a finite loss of about 1e38, whose central
      // difference over epsilon overflows float in the correction.
      BackendModel faulty = stepLogitsRewritten(real, out -> {
        if (calls.incrementAndGet() == 2) {
          float[] logits = out[1][0][0];
          java.util.Arrays.fill(logits, -3e38f);
          logits[0] = 0;
        }
      });
      EditEngine engine = new EditEngine(faulty, lm.tokenizer());
      assertThatThrownBy(() -> engine.edit(EditRequest.of("Lily", "{} went to the", "zoo"),
          EditOptions.builder().maxSteps(100).learningRate(0.5).build()))
          .isInstanceOf(MobiEditException.class)
          .hasMessageContaining("diverged at step 1")
          .hasMessageContaining("model is unchanged")
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.BACKEND_FAILURE);
      assertArrayEquals(before, probe(lm));
    }
  }

  @Test
  void aKeyOrthogonalToTheDirectionAbortsBeforeItsUpdateReachesTheModel() {
    try (LanguageModel lm = load()) {
      BackendModel real = lm.backendModel();
      float[] before = probe(lm);
      AtomicInteger applies = new AtomicInteger();
      // The plain prompt's key is zero, so k·u = 0 and the update δ/(k·u) is not finite.
      BackendModel faulty = rewriting(real, "captureMlp", out -> {
        float[][] keys = ((MlpCapture) out).keys();
        keys[0] = new float[keys[0].length];
        return new MlpCapture(keys, ((MlpCapture) out).outputs());
      });
      BackendModel counting = rewriting(faulty, "applyRankOne", out -> {
        applies.incrementAndGet();
        return out;
      });
      EditEngine engine = new EditEngine(counting, lm.tokenizer());
      assertThatThrownBy(() -> engine.edit(EditRequest.of("Lily", "{} went to the", "zoo"),
          EditOptions.builder().maxSteps(100).learningRate(0.5).build()))
          .isInstanceOf(MobiEditException.class)
          .hasMessageContaining("went out of range")
          .hasMessageContaining("model is unchanged")
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.BACKEND_FAILURE);
      assertThat(applies.get()).isZero();
      assertArrayEquals(before, probe(lm));
    }
  }
}
