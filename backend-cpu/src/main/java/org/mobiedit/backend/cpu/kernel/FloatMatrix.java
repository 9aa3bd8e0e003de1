package org.mobiedit.backend.cpu.kernel;

import org.mobiedit.spi.Tensor;

/** A float32 matrix, row-major, read once from the model's tensor (dequantised from its storage type). */
public final class FloatMatrix implements Matrix {
  private final int rows;
  private final int cols;
  private final float[] w;
  private final DotProduct kernel;

  private FloatMatrix(int rows, int cols, float[] w, DotProduct kernel) {
    this.rows = rows;
    this.cols = cols;
    this.w = w;
    this.kernel = kernel;
  }

  /** Reads {@code t} whole, as floats. */
  public static FloatMatrix of(Tensor t, DotProduct kernel) {
    int rows = t.rows();
    int cols = t.columns();
    float[] w = new float[Math.multiplyExact(rows, cols)];
    t.read(0, w, 0, w.length);
    return new FloatMatrix(rows, cols, w, kernel);
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
      int t = 0;
      for (; t + 3 < n; t += 4) {
        kernel.dot4(w, wo, x, t * cols, (t + 1) * cols, (t + 2) * cols, (t + 3) * cols, cols, four);
        y[t * ldy + r] = four[0];
        y[(t + 1) * ldy + r] = four[1];
        y[(t + 2) * ldy + r] = four[2];
        y[(t + 3) * ldy + r] = four[3];
      }
      for (; t < n; t++) {
        y[t * ldy + r] = kernel.dot(w, wo, x, t * cols, cols);
      }
    }
  }

  @Override
  public void row(int r, float[] dst, int offset) {
    System.arraycopy(w, r * cols, dst, offset, cols);
  }

  @Override
  public long bytes() {
    return 4L * w.length;
  }
}
