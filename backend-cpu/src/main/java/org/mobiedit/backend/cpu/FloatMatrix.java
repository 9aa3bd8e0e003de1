package org.mobiedit.backend.cpu;

import org.mobiedit.spi.Tensor;

/** A float32 matrix, row-major, read once from the model's tensor (dequantised from its storage type). */
final class FloatMatrix implements Matrix {
  private final int rows;
  private final int cols;
  private final float[] w;

  FloatMatrix(int rows, int cols, float[] w) {
    this.rows = rows;
    this.cols = cols;
    this.w = w;
  }

  static FloatMatrix of(Tensor t) {
    int rows = t.rows();
    int cols = t.columns();
    float[] w = new float[Math.multiplyExact(rows, cols)];
    t.read(0, w, 0, w.length);
    return new FloatMatrix(rows, cols, w);
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
    for (int r = rowFrom; r < rowTo; r++) {
      int wo = r * cols;
      for (int t = 0; t < n; t++) {
        y[t * ldy + r] = dot(w, wo, x, t * cols, cols);
      }
    }
  }

  /** Four independent accumulators: enough instruction-level parallelism without reassociating per element. */
  static float dot(float[] a, int ao, float[] b, int bo, int len) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += a[ao + i] * b[bo + i];
      s1 += a[ao + i + 1] * b[bo + i + 1];
      s2 += a[ao + i + 2] * b[bo + i + 2];
      s3 += a[ao + i + 3] * b[bo + i + 3];
    }
    for (; i < len; i++) {
      s0 += a[ao + i] * b[bo + i];
    }
    return (s0 + s1) + (s2 + s3);
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
