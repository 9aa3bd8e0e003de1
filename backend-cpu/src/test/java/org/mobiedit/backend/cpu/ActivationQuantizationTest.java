package org.mobiedit.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.kernel.DotProduct;
import org.mobiedit.backend.cpu.kernel.DotProducts;
import org.mobiedit.backend.cpu.kernel.Int8Matrix;
import org.mobiedit.backend.cpu.quant.ActivationQuantizer;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.numerics.ActivationPoint;
import org.mobiedit.spi.numerics.SymmetricGrid;
import org.mobiedit.spi.numerics.WeightQuantizer;

/** Static int8 / int16 activations (the NPU-faithful precisions) against their definition and the float model. */
class ActivationQuantizationTest {
  private static final int[] IDS = {3, 17, 42, 5, 96, 0, 64, 8, 8, 31, 77};
  private static final TinyModels.Weights WEIGHTS = TinyModels.random(TinyModels.qwen2().build(), 5);

  private static CpuModel load(Precision p) {
    return (CpuModel) new CpuBackendProvider().create(new BackendConfig(2)).load(WEIGHTS, p);
  }

  private static float[][] logits(BackendModel m, int[] ids) {
    int[] pos = new int[ids.length];
    java.util.Arrays.setAll(pos, i -> i);
    return m.forward(new int[][] {ids}, new int[][] {pos})[0];
  }

  @Test
  void calibrationSetsTheScaleToTheLargestMagnitudeAndValuesLandOnTheGridAndSaturate() {
    ActivationQuantizer q = new ActivationQuantizer(SymmetricGrid.INT8, 1);
    q.startCalibration();
    q.apply(0, ActivationPoint.MLP_INPUT, new float[] {0.5f, -2.54f, 1f}, 3);
    q.apply(0, ActivationPoint.MLP_INPUT, new float[] {2f}, 1);
    q.finishCalibration();
    float s = q.scale(0, ActivationPoint.MLP_INPUT);
    assertEquals(2.54f / 127, s, 1e-9);
    float[] x = {0.5f, -2.54f, 100f, -100f, 0.004f, 0f};
    q.apply(0, ActivationPoint.MLP_INPUT, x, x.length);
    assertEquals(Math.round(0.5f / s) * s, x[0], 1e-7);
    assertEquals(-127 * s, x[1], 1e-7);
    assertEquals(127 * s, x[2], 1e-7); // saturates
    assertEquals(-127 * s, x[3], 1e-7);
    assertEquals(0f, x[4]); // below half a step
    assertEquals(0f, x[5]);
    // A tensor never seen (all zeros) gets a tiny scale instead of a division by zero.
    float[] y = {1f};
    q.apply(0, ActivationPoint.KEY, y, 1);
    assertThat(Float.isFinite(y[0])).isTrue();
  }

  @Test
  void theSimulatedProductEqualsTheIntegerProductRescaled() {
    // What an NPU computes: int8 weights × int8 activations accumulated in int32, times both scales.
    SplittableRandom r = new SplittableRandom(9);
    int rows = 7;
    int cols = 300;
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    byte[] qw = new byte[w.length];
    float[] sw = new float[rows];
    for (int row = 0; row < rows; row++) {
      sw[row] = WeightQuantizer.quantizeRow(w, row * cols, cols, qw, row * cols);
    }
    float[] x = new float[cols];
    for (int i = 0; i < cols; i++) {
      x[i] = (float) (r.nextGaussian() * 3);
    }
    ActivationQuantizer q = new ActivationQuantizer(SymmetricGrid.INT8, 1);
    q.startCalibration();
    q.applyHead(x.clone(), cols);
    q.finishCalibration();
    float sx = q.headScale();
    float[] fake = x.clone();
    q.applyHead(fake, cols);
    for (DotProduct kernel : new DotProduct[] {DotProducts.select("scalar"), DotProducts.select("auto")}) {
      float[] y = new float[rows];
      Int8Matrix.of(new ArrayTensor("w", new long[] {rows, cols}, w), kernel).multiply(fake, 1, y, rows, 0, rows);
      for (int row = 0; row < rows; row++) {
        long acc = 0;
        for (int c = 0; c < cols; c++) {
          int qx = Math.round(fake[c] / sx);
          assertThat(Math.abs(qx)).isLessThanOrEqualTo(127);
          acc += (long) qw[row * cols + c] * qx;
        }
        double exact = acc * (double) sw[row] * sx;
        assertThat((double) y[row]).isCloseTo(exact, Offset.offset(1e-5 * Math.max(1, Math.abs(exact))));
      }
    }
  }

  @Test
  void sixteenBitActivationsStayCloserToTheFloatModelThanEightBit() {
    float[][] ref = logits(load(Precision.INT8), IDS);
    double e8 = maxError(ref, logits(load(Precision.INT8_A8), IDS));
    double e16 = maxError(ref, logits(load(Precision.INT8_A16), IDS));
    assertThat(e8).isGreaterThan(0).isLessThan(0.5);
    assertThat(e16).isLessThan(e8 / 20);
  }

  @Test
  void calibrationIsDeterministicAndAnUncalibratedModelCalibratesOnItsFirstInput() {
    CpuModel lazy = load(Precision.INT8_A8);
    assertThat(lazy.activationScale(0, ActivationPoint.QUERY)).isNaN();
    float[][] a = logits(lazy, IDS);
    CpuModel explicit = load(Precision.INT8_A8);
    explicit.calibrateActivations(new int[][] {IDS});
    assertArrayEquals(a[IDS.length - 1], logits(explicit, IDS)[IDS.length - 1]);
    assertEquals(lazy.activationScale(1, ActivationPoint.DOWN_INPUT),
        explicit.activationScale(1, ActivationPoint.DOWN_INPUT));
    // Other calibration tokens give other scales, and so other logits.
    explicit.calibrateActivations(new int[][] {{1, 2, 3}});
    assertThat(explicit.activationScale(1, ActivationPoint.DOWN_INPUT))
        .isNotEqualTo(lazy.activationScale(1, ActivationPoint.DOWN_INPUT));
    // Calibration is a no-op for float activations.
    CpuModel plain = load(Precision.INT8);
    plain.calibrateActivations(new int[][] {IDS});
    assertThat(plain.activationScale(0, ActivationPoint.QUERY)).isNaN();
  }

  private static double maxError(float[][] a, float[][] b) {
    double max = 0;
    for (int t = 0; t < a.length; t++) {
      for (int v = 0; v < a[t].length; v++) {
        max = Math.max(max, Math.abs(a[t][v] - b[t][v]));
      }
    }
    return max;
  }
}
