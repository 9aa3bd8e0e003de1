package org.mobiedit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobiedit.backend.cpu.kernel.DotProduct;
import org.mobiedit.backend.cpu.kernel.DotProducts;
import org.mobiedit.backend.cpu.kernel.FloatMatrix;
import org.mobiedit.backend.cpu.kernel.Int8Matrix;
import org.mobiedit.backend.cpu.kernel.Matrix;

/**
 * A whole matrix product (weights off heap, copied panel by panel, tokens in cache-sized blocks) against the plain
 * definition: one dot product per output, of the row as {@link Matrix#row} returns it. Exact for fp32; for int8 the
 * reference is the scale times the dot product of the int8 row, which is what the kernel computes.
 */
class MatrixProductTest {
  @Test
  void everyOutputOfAProductOverAnyRowRangeIsItsOwnDotProduct() {
    SplittableRandom random = new SplittableRandom(8);
    for (DotProduct kernel : new DotProduct[] {DotProducts.select("scalar"), DotProducts.select("vector")}) {
      // 1,100 columns: a token block holds 40 tokens, so 90 tokens cross two block boundaries.
      for (int[] shape : new int[][] {{13, 37}, {20, 1100}}) {
        int rows = shape[0];
        int cols = shape[1];
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) random.nextGaussian();
        }
        ArrayTensor t = new ArrayTensor("w", new long[] {rows, cols}, w);
        for (Matrix m : new Matrix[] {FloatMatrix.of(t, kernel), Int8Matrix.of(t, kernel)}) {
          for (int n : new int[] {1, 3, 7, 90}) {
            float[] x = new float[n * cols];
            for (int i = 0; i < x.length; i++) {
              x[i] = (float) random.nextGaussian();
            }
            int ldy = rows + 1;
            float[] y = new float[n * ldy];
            m.multiply(x, n, y, ldy, 2, rows - 1);
            m.multiply(x, n, y, ldy, 0, 2);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
              m.row(r, row, 0);
              for (int tok = 0; tok < n; tok++) {
                String where = kernel.name() + " " + m.getClass().getSimpleName() + " " + rows + "x" + cols + " n "
                    + n + " row " + r + " token " + tok;
                float expected = r == rows - 1 ? 0 : expected(m, kernel, w, r, cols, row, x, tok * cols);
                assertEquals(expected, y[tok * ldy + r], where);
              }
            }
          }
        }
      }
    }
  }

  private static float expected(Matrix m, DotProduct kernel, float[] w, int r, int cols, float[] row, float[] x,
      int xo) {
    if (m instanceof FloatMatrix) {
      return kernel.dot(w, r * cols, x, xo, cols);
    }
    // row = scale * q exactly (q is small and scale a float); recover q and the scale from the dequantised row.
    float scale = 0;
    for (float v : row) {
      scale = Math.max(scale, Math.abs(v));
    }
    scale /= 127;
    byte[] q = new byte[cols];
    for (int c = 0; c < cols; c++) {
      q[c] = (byte) Math.round(row[c] / scale);
    }
    return scale * kernel.dot(q, 0, x, xo, cols);
  }
}
