package org.mobiedit.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.MlpCapture;
import org.mobiedit.spi.PrefixState;

/** What the edit engine needs from a backend: layer capture, exact prefix resume with injection, rank-one writes. */
class EditCapabilitiesTest {
  private static final int LAYER = 1;
  private static final int[][] ROWS = {{3, 17, 42, 5, 96, 0, 64}, {8, 8, 31, 77, 2}, {11, 12, 13, 14, 15, 16, 17, 18, 19}};
  private static final int[] INJECT = {3, 1, 5};
  private static final int[][] LABELS = {{3, 5, 6}, {2, 4}, {5, 8}};

  private static BackendModel model(Precision p) {
    TinyModels.Weights w = TinyModels.random(TinyModels.qwen2().hiddenSize(64).intermediateSize(96).build(), 31);
    return new CpuBackendProvider().create(new BackendConfig(2)).load(w, p);
  }

  private static float[][] deltas(int count, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] out = new float[count][d];
    for (int i = 1; i < count; i++) { // direction 0 stays zero
      for (int j = 0; j < d; j++) {
        out[i][j] = (float) (r.nextGaussian() * 0.5);
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void resumingFromThePrefixIsBitIdenticalToRunningEverythingAgain(Precision p) {
    BackendModel m = model(p);
    float[][] deltas = deltas(5, 64, 1);
    float[][][][] full = m.injectForward(ROWS, LAYER, INJECT, deltas, LABELS);
    try (PrefixState prefix = m.buildPrefix(ROWS, LAYER, INJECT)) {
      for (int repeat = 0; repeat < 2; repeat++) { // a prefix serves any number of steps
        float[][][][] cached = m.resume(prefix, deltas, LABELS);
        for (int d = 0; d < deltas.length; d++) {
          for (int r = 0; r < ROWS.length; r++) {
            for (int k = 0; k < LABELS[r].length; k++) {
              assertArrayEquals(full[d][r][k], cached[d][r][k], p + " direction " + d + " row " + r + " label " + k);
            }
          }
        }
      }
    }
  }

  @Test
  void aZeroDeltaChangesNothing() {
    BackendModel m = model(Precision.FP32);
    float[][][][] injected = m.injectForward(ROWS, LAYER, INJECT, new float[1][64], LABELS);
    float[][][] plain = m.forward(ROWS, LABELS);
    for (int r = 0; r < ROWS.length; r++) {
      for (int k = 0; k < LABELS[r].length; k++) {
        assertArrayEquals(plain[r][k], injected[0][r][k]);
      }
    }
  }

  @Test
  void aDeltaChangesOnlyPositionsFromTheInjectionOn() {
    BackendModel m = model(Precision.FP32);
    float[][] d = deltas(2, 64, 2);
    int[][] rows = {ROWS[0]};
    int[][] positions = {{0, 1, 2, 3, 4, 5, 6}};
    float[][][][] out = m.injectForward(rows, LAYER, new int[] {3}, d, positions);
    for (int p = 0; p < 3; p++) {
      assertArrayEquals(out[0][0][p], out[1][0][p], "position " + p + " is before the injection");
    }
    assertThat(out[1][0][3]).isNotEqualTo(out[0][0][3]);
  }

  @Test
  void theCapturedMlpOutputIsDownTimesTheCapturedKey() {
    BackendModel m = model(Precision.FP32);
    MlpCapture c = m.captureMlp(ROWS, LAYER, INJECT);
    TinyModels.Weights w = TinyModels.random(TinyModels.qwen2().hiddenSize(64).intermediateSize(96).build(), 31);
    float[] down = w.tensor(org.mobiedit.spi.TensorNames.ffnDown(LAYER)).readAll();
    for (int r = 0; r < ROWS.length; r++) {
      for (int i = 0; i < 64; i++) {
        double sum = 0;
        for (int j = 0; j < 96; j++) {
          sum += (double) down[i * 96 + j] * c.keys()[r][j];
        }
        assertThat((double) c.outputs()[r][i]).isCloseTo(sum, Offset.offset(1e-4));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void aRankOneWriteMakesTheKeyMapToTheTargetValueAndRevertsExactly(Precision p) {
    BackendModel m = model(p);
    int[][] prompt = {ROWS[0]};
    int[] at = {INJECT[0]};
    float[][][] before = m.forward(prompt, new int[][] {{6}});
    MlpCapture c = m.captureMlp(prompt, LAYER, at);
    float[] k = c.keys()[0];
    float[] o = c.outputs()[0];
    // ROME's write: u = k/|k|, r = (v* - o) / (k·u), W += r ⊗ u, so that W k = v*.
    double norm = 0;
    for (float x : k) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    float[] u = new float[k.length];
    double ku = 0;
    for (int j = 0; j < k.length; j++) {
      u[j] = (float) (k[j] / norm);
      ku += (double) k[j] * u[j];
    }
    float[] target = deltas(2, 64, 3)[1];
    float[] left = new float[64];
    for (int i = 0; i < 64; i++) {
      left[i] = (float) ((target[i] - o[i]) / ku);
    }
    long handle = m.applyRankOne(LAYER, left, u);
    float[] after = m.captureMlp(prompt, LAYER, at).outputs()[0];
    for (int i = 0; i < 64; i++) {
      assertThat(after[i]).isCloseTo(target[i], Offset.offset(1e-4f));
    }
    assertThat(m.forward(prompt, new int[][] {{6}})[0][0]).isNotEqualTo(before[0][0]);
    m.revertRankOne(handle);
    assertArrayEquals(before[0][0], m.forward(prompt, new int[][] {{6}})[0][0]);
    assertThatThrownBy(() -> m.revertRankOne(handle)).isInstanceOf(MobiEditException.class);
  }

  @Test
  void badEditInputsAreRejectedClearly() {
    BackendModel m = model(Precision.FP32);
    assertThatThrownBy(() -> m.captureMlp(ROWS, 9, INJECT)).hasMessageContaining("layer 9 does not exist");
    assertThatThrownBy(() -> m.injectForward(ROWS, LAYER, INJECT, new float[][] {new float[3]}, LABELS))
        .hasMessageContaining("hidden size 64");
    float[][] nan = new float[1][64];
    nan[0][5] = Float.NaN;
    assertThatThrownBy(() -> m.injectForward(ROWS, LAYER, INJECT, nan, LABELS)).hasMessageContaining("NaN");
    try (PrefixState prefix = m.buildPrefix(ROWS, LAYER, INJECT)) {
      assertThatThrownBy(() -> m.resume(prefix, new float[1][64], new int[][] {{0}, {2}, {5}}))
          .hasMessageContaining("outside the resumed positions");
    }
    assertThatThrownBy(() -> m.applyRankOne(LAYER, new float[64], new float[5])).hasMessageContaining("length 96");
  }
}
