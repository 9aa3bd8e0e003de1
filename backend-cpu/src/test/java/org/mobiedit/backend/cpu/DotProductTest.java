package org.mobiedit.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.kernel.DotProduct;
import org.mobiedit.backend.cpu.kernel.DotProducts;
import org.mobiedit.spi.BackendModel;

/** The SIMD kernel against the scalar reference kernel, alone and inside a whole forward pass. */
class DotProductTest {
  private static final DotProduct SCALAR = DotProducts.select("scalar");

  @Test
  void theBuildRunsTestsWithTheVectorApiSoAutoPicksTheSimdKernel() {
    assertThat(DotProducts.select("auto").name()).startsWith("vector-");
    assertEquals("scalar", DotProducts.select("scalar").name());
    assertThatThrownBy(() -> DotProducts.select("gpu")).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("auto, scalar or vector");
  }

  @Test
  void vectorDotProductsEqualScalarOnesForAllLengthsAndOffsets() {
    DotProduct vector = DotProducts.select("vector");
    SplittableRandom r = new SplittableRandom(3);
    float[] a = new float[1200];
    float[] b = new float[1200];
    byte[] q = new byte[1200];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
      b[i] = (float) (r.nextDouble() * 2 - 1);
      q[i] = (byte) (r.nextInt(255) - 127);
    }
    for (int len : new int[] {0, 1, 7, 16, 31, 32, 33, 64, 100, 896, 1000}) {
      for (int off : new int[] {0, 3, 17}) {
        double exact = 0;
        double exactQ = 0;
        for (int i = 0; i < len; i++) {
          exact += (double) a[off + i] * b[i];
          exactQ += (double) q[off + i] * b[i];
        }
        assertThat((double) vector.dot(a, off, b, 0, len)).isCloseTo(exact, Offset.offset(1e-4));
        assertThat((double) SCALAR.dot(a, off, b, 0, len)).isCloseTo(exact, Offset.offset(1e-4));
        assertThat((double) vector.dot(q, off, b, 0, len)).isCloseTo(exactQ, Offset.offset(1e-2));
        assertThat((double) SCALAR.dot(q, off, b, 0, len)).isCloseTo(exactQ, Offset.offset(1e-2));
      }
    }
  }

  @Test
  void everyResultOfAPanelIsBitIdenticalToItsOwnDotProductForBothKernels() {
    SplittableRandom r = new SplittableRandom(4);
    for (DotProduct k : new DotProduct[] {SCALAR, DotProducts.select("vector")}) {
      // Panel heights and token counts around both kernels' tile sizes (2x2 scalar, 4x3 and 1x3 SIMD), lengths with
      // and without a tail past the last whole vector.
      for (int cols : new int[] {5, 32, 47, 896}) {
        for (int rows = 1; rows <= 7; rows++) {
          for (int n : new int[] {1, 2, 3, 4, 5, 9}) {
            float[] w = new float[rows * cols];
            byte[] q = new byte[rows * cols];
            float[] x = new float[3 + n * cols];
            for (int i = 0; i < w.length; i++) {
              w[i] = (float) r.nextGaussian();
              q[i] = (byte) (r.nextInt(255) - 127);
            }
            for (int i = 0; i < x.length; i++) {
              x[i] = (float) r.nextGaussian();
            }
            int ldy = rows + 2;
            float[] yf = new float[1 + n * ldy];
            float[] yq = new float[1 + n * ldy];
            k.panel(w, rows, cols, x, 3, n, yf, 1, ldy);
            k.panel(q, rows, cols, x, 3, n, yq, 1, ldy);
            for (int t = 0; t < n; t++) {
              for (int j = 0; j < rows; j++) {
                String where = k.name() + " cols " + cols + " rows " + rows + " tokens " + n + " at " + t + "," + j;
                assertEquals(k.dot(w, j * cols, x, 3 + t * cols, cols), yf[1 + t * ldy + j], "float " + where);
                assertEquals(k.dot(q, j * cols, x, 3 + t * cols, cols), yq[1 + t * ldy + j], "int8 " + where);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void addScaledGivesThePlainLoopsBitsForBothKernels() {
    SplittableRandom r = new SplittableRandom(5);
    for (int len : new int[] {0, 3, 16, 64, 70}) {
      float[] x = new float[len + 2];
      float[] y = new float[len + 1];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < y.length; i++) {
        y[i] = (float) r.nextGaussian();
      }
      float a = (float) r.nextGaussian();
      float[] expected = y.clone();
      for (int i = 0; i < len; i++) {
        expected[1 + i] += a * x[2 + i];
      }
      for (DotProduct k : new DotProduct[] {SCALAR, DotProducts.select("vector")}) {
        float[] got = y.clone();
        k.addScaled(a, x, 2, got, 1, len);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, got, k.name() + " len " + len);
      }
    }
  }

  @Test
  void aForwardPassWithTheSimdKernelMatchesTheScalarKernel() {
    TinyModels.Weights w = TinyModels.random(TinyModels.qwen2().hiddenSize(64).intermediateSize(96).build(), 21);
    for (Precision p : new Precision[] {Precision.FP32, Precision.INT8}) {
      BackendModel scalar = new CpuBackend(2, SCALAR).load(w, p);
      BackendModel vector = new CpuBackend(2, DotProducts.select("vector")).load(w, p);
      int[] ids = {5, 9, 13, 2, 77, 31};
      float[][] a = scalar.forward(new int[][] {ids}, new int[][] {{0, 3, 5}})[0];
      float[][] b = vector.forward(new int[][] {ids}, new int[][] {{0, 3, 5}})[0];
      for (int t = 0; t < a.length; t++) {
        for (int v = 0; v < a[t].length; v++) {
          assertThat(b[t][v]).as("%s position %d logit %d", p, t, v)
              .isCloseTo(a[t][v], Offset.offset(1e-4f * Math.max(1, Math.abs(a[t][v]))));
        }
      }
    }
  }
}
