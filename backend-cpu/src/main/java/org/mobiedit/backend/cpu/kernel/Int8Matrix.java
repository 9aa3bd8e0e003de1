package org.mobiedit.backend.cpu.kernel;

import org.mobiedit.spi.Tensor;
import org.mobiedit.spi.numerics.WeightQuantizer;

/**
 * An int8 matrix with one float scale per row (per output channel), symmetric: {@code w[r][c] ≈ scale[r] * q[r][c]}
 * as {@link WeightQuantizer} defines it for every backend. Quantised row by row from the tensor, so a float copy of
 * the whole matrix never exists.
 */
public final class Int8Matrix implements Matrix {
  private final int rows;
  private final int cols;
  private final byte[] q;
  private final float[] scale;
  private final DotProduct kernel;

  private Int8Matrix(int rows, int cols, byte[] q, float[] scale, DotProduct kernel) {
    this.rows = rows;
    this.cols = cols;
    this.q = q;
    this.scale = scale;
    this.kernel = kernel;
  }

  /** Quantizes {@code t} row by row. */
  public static Int8Matrix of(Tensor t, DotProduct kernel) {
    int rows = t.rows();
    int cols = t.columns();
    byte[] q = new byte[Math.multiplyExact(rows, cols)];
    float[] scale = new float[rows];
    float[] row = new float[cols];
    for (int r = 0; r < rows; r++) {
      t.read((long) r * cols, row, 0, cols);
      scale[r] = WeightQuantizer.quantizeRow(row, 0, cols, q, r * cols);
    }
    return new Int8Matrix(rows, cols, q, scale, kernel);
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public void multiply(float[] x, int n, float[] y, int ldy, int rowFrom, int rowTo) {
    float[] four = new float[4];
    for (int r = rowFrom; r < rowTo; r++) {
      int wo = r * cols;
      float s = scale[r];
      int t = 0;
      for (; t + 3 < n; t += 4) {
        kernel.dot4(q, wo, x, t * cols, (t + 1) * cols, (t + 2) * cols, (t + 3) * cols, cols, four);
        y[t * ldy + r] = s * four[0];
        y[(t + 1) * ldy + r] = s * four[1];
        y[(t + 2) * ldy + r] = s * four[2];
        y[(t + 3) * ldy + r] = s * four[3];
      }
      for (; t < n; t++) {
        y[t * ldy + r] = s * kernel.dot(q, wo, x, t * cols, cols);
      }
    }
  }

  @Override
  public void row(int r, float[] dst, int offset) {
    float s = scale[r];
    int o = r * cols;
    for (int c = 0; c < cols; c++) {
      dst[offset + c] = s * q[o + c];
    }
  }

  @Override
  public long bytes() {
    return q.length + 4L * scale.length;
  }
}
