package org.mobiedit.backend.cpu.kernel;

/**
 * Plain Java kernels: the reference, and what runs where the Vector API does not (Android). A dot product keeps four
 * independent sums (instruction-level parallelism, fixed order); a panel is computed in register tiles of 3 rows × 2
 * tokens (each weight loaded once for two products, each activation once for three), 3 rows × 1 token for a lone
 * token (decoding: an activation serves three rows), and 2 × 2 or single rows for what is left, each result keeping
 * that same order, so it is bit-identical to {@link #dot}. The float and int8 forms are the same code over a
 * different weight array.
 */
final class ScalarDotProduct implements DotProduct {
  static final ScalarDotProduct INSTANCE = new ScalarDotProduct();

  @Override
  public float dot(float[] w, int wo, float[] x, int xo, int len) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += w[wo + i] * x[xo + i];
      s1 += w[wo + i + 1] * x[xo + i + 1];
      s2 += w[wo + i + 2] * x[xo + i + 2];
      s3 += w[wo + i + 3] * x[xo + i + 3];
    }
    for (; i < len; i++) {
      s0 += w[wo + i] * x[xo + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void panel(float[] w, int rows, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int j = 0;
    for (; j + 2 < rows; j += 3) {
      int t = 0;
      for (; t + 1 < n; t += 2) {
        tile3x2(w, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
      if (t < n) {
        tile3x1(w, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j);
      }
    }
    for (; j + 1 < rows; j += 2) {
      int t = 0;
      for (; t + 1 < n; t += 2) {
        tile2x2(w, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
      for (; t < n; t++) {
        y[yo + t * ldy + j] = dot(w, j * cols, x, xo + t * cols, cols);
        y[yo + t * ldy + j + 1] = dot(w, (j + 1) * cols, x, xo + t * cols, cols);
      }
    }
    for (; j < rows; j++) {
      for (int t = 0; t < n; t++) {
        y[yo + t * ldy + j] = dot(w, j * cols, x, xo + t * cols, cols);
      }
    }
  }

  /** Two rows times two tokens, each sum in {@link #dot}'s order: every loaded element serves two products. */
  private static void tile2x2(float[] w, int wo, int cols, float[] x, int xo, float[] y, int yo, int ldy) {
    int w1 = wo + cols;
    int x1 = xo + cols;
    float a0 = 0;
    float a1 = 0;
    float a2 = 0;
    float a3 = 0;
    float b0 = 0;
    float b1 = 0;
    float b2 = 0;
    float b3 = 0;
    float c0 = 0;
    float c1 = 0;
    float c2 = 0;
    float c3 = 0;
    float d0 = 0;
    float d1 = 0;
    float d2 = 0;
    float d3 = 0;
    int i = 0;
    for (; i + 3 < cols; i += 4) {
      float p0 = w[wo + i];
      float p1 = w[wo + i + 1];
      float p2 = w[wo + i + 2];
      float p3 = w[wo + i + 3];
      float r0 = w[w1 + i];
      float r1 = w[w1 + i + 1];
      float r2 = w[w1 + i + 2];
      float r3 = w[w1 + i + 3];
      float u0 = x[xo + i];
      float u1 = x[xo + i + 1];
      float u2 = x[xo + i + 2];
      float u3 = x[xo + i + 3];
      float v0 = x[x1 + i];
      float v1 = x[x1 + i + 1];
      float v2 = x[x1 + i + 2];
      float v3 = x[x1 + i + 3];
      a0 += p0 * u0;
      a1 += p1 * u1;
      a2 += p2 * u2;
      a3 += p3 * u3;
      b0 += r0 * u0;
      b1 += r1 * u1;
      b2 += r2 * u2;
      b3 += r3 * u3;
      c0 += p0 * v0;
      c1 += p1 * v1;
      c2 += p2 * v2;
      c3 += p3 * v3;
      d0 += r0 * v0;
      d1 += r1 * v1;
      d2 += r2 * v2;
      d3 += r3 * v3;
    }
    for (; i < cols; i++) {
      a0 += w[wo + i] * x[xo + i];
      b0 += w[w1 + i] * x[xo + i];
      c0 += w[wo + i] * x[x1 + i];
      d0 += w[w1 + i] * x[x1 + i];
    }
    y[yo] = (a0 + a1) + (a2 + a3);
    y[yo + 1] = (b0 + b1) + (b2 + b3);
    y[yo + ldy] = (c0 + c1) + (c2 + c3);
    y[yo + ldy + 1] = (d0 + d1) + (d2 + d3);
  }

  /** Three rows times two tokens, each sum in {@link #dot}'s order: a weight serves two products, an activation three. */
  private static void tile3x2(float[] w, int wo, int cols, float[] x, int xo, float[] y, int yo, int ldy) {
    int w1 = wo + cols;
    int w2 = w1 + cols;
    int x1 = xo + cols;
    float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    float b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    float c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    float d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    float e0 = 0, e1 = 0, e2 = 0, e3 = 0;
    float f0 = 0, f1 = 0, f2 = 0, f3 = 0;
    int i = 0;
    for (; i + 3 < cols; i += 4) {
      float u0 = x[xo + i];
      float u1 = x[xo + i + 1];
      float u2 = x[xo + i + 2];
      float u3 = x[xo + i + 3];
      float v0 = x[x1 + i];
      float v1 = x[x1 + i + 1];
      float v2 = x[x1 + i + 2];
      float v3 = x[x1 + i + 3];
      float p0 = w[wo + i];
      float p1 = w[wo + i + 1];
      float p2 = w[wo + i + 2];
      float p3 = w[wo + i + 3];
      a0 += p0 * u0;
      a1 += p1 * u1;
      a2 += p2 * u2;
      a3 += p3 * u3;
      d0 += p0 * v0;
      d1 += p1 * v1;
      d2 += p2 * v2;
      d3 += p3 * v3;
      p0 = w[w1 + i];
      p1 = w[w1 + i + 1];
      p2 = w[w1 + i + 2];
      p3 = w[w1 + i + 3];
      b0 += p0 * u0;
      b1 += p1 * u1;
      b2 += p2 * u2;
      b3 += p3 * u3;
      e0 += p0 * v0;
      e1 += p1 * v1;
      e2 += p2 * v2;
      e3 += p3 * v3;
      p0 = w[w2 + i];
      p1 = w[w2 + i + 1];
      p2 = w[w2 + i + 2];
      p3 = w[w2 + i + 3];
      c0 += p0 * u0;
      c1 += p1 * u1;
      c2 += p2 * u2;
      c3 += p3 * u3;
      f0 += p0 * v0;
      f1 += p1 * v1;
      f2 += p2 * v2;
      f3 += p3 * v3;
    }
    for (; i < cols; i++) {
      a0 += w[wo + i] * x[xo + i];
      b0 += w[w1 + i] * x[xo + i];
      c0 += w[w2 + i] * x[xo + i];
      d0 += w[wo + i] * x[x1 + i];
      e0 += w[w1 + i] * x[x1 + i];
      f0 += w[w2 + i] * x[x1 + i];
    }
    y[yo] = (a0 + a1) + (a2 + a3);
    y[yo + 1] = (b0 + b1) + (b2 + b3);
    y[yo + 2] = (c0 + c1) + (c2 + c3);
    y[yo + ldy] = (d0 + d1) + (d2 + d3);
    y[yo + ldy + 1] = (e0 + e1) + (e2 + e3);
    y[yo + ldy + 2] = (f0 + f1) + (f2 + f3);
  }

  /** Three rows times one token (decoding), each sum in {@link #dot}'s order: an activation serves three products. */
  private static void tile3x1(float[] w, int wo, int cols, float[] x, int xo, float[] y, int yo) {
    int w1 = wo + cols;
    int w2 = w1 + cols;
    float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    float b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    float c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    int i = 0;
    for (; i + 3 < cols; i += 4) {
      float u0 = x[xo + i];
      float u1 = x[xo + i + 1];
      float u2 = x[xo + i + 2];
      float u3 = x[xo + i + 3];
      a0 += w[wo + i] * u0;
      a1 += w[wo + i + 1] * u1;
      a2 += w[wo + i + 2] * u2;
      a3 += w[wo + i + 3] * u3;
      b0 += w[w1 + i] * u0;
      b1 += w[w1 + i + 1] * u1;
      b2 += w[w1 + i + 2] * u2;
      b3 += w[w1 + i + 3] * u3;
      c0 += w[w2 + i] * u0;
      c1 += w[w2 + i + 1] * u1;
      c2 += w[w2 + i + 2] * u2;
      c3 += w[w2 + i + 3] * u3;
    }
    for (; i < cols; i++) {
      a0 += w[wo + i] * x[xo + i];
      b0 += w[w1 + i] * x[xo + i];
      c0 += w[w2 + i] * x[xo + i];
    }
    y[yo] = (a0 + a1) + (a2 + a3);
    y[yo + 1] = (b0 + b1) + (b2 + b3);
    y[yo + 2] = (c0 + c1) + (c2 + c3);
  }

  @Override
  public float dot(byte[] q, int wo, float[] x, int xo, int len) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += q[wo + i] * x[xo + i];
      s1 += q[wo + i + 1] * x[xo + i + 1];
      s2 += q[wo + i + 2] * x[xo + i + 2];
      s3 += q[wo + i + 3] * x[xo + i + 3];
    }
    for (; i < len; i++) {
      s0 += q[wo + i] * x[xo + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void panel(byte[] q, int rows, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int j = 0;
    for (; j + 2 < rows; j += 3) {
      int t = 0;
      for (; t + 1 < n; t += 2) {
        tile3x2(q, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
      if (t < n) {
        tile3x1(q, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j);
      }
    }
    for (; j + 1 < rows; j += 2) {
      int t = 0;
      for (; t + 1 < n; t += 2) {
        tile2x2(q, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
      for (; t < n; t++) {
        y[yo + t * ldy + j] = dot(q, j * cols, x, xo + t * cols, cols);
        y[yo + t * ldy + j + 1] = dot(q, (j + 1) * cols, x, xo + t * cols, cols);
      }
    }
    for (; j < rows; j++) {
      for (int t = 0; t < n; t++) {
        y[yo + t * ldy + j] = dot(q, j * cols, x, xo + t * cols, cols);
      }
    }
  }

  /** Two rows times two tokens, each sum in {@link #dot}'s order: every loaded element serves two products. */
  private static void tile2x2(byte[] q, int wo, int cols, float[] x, int xo, float[] y, int yo, int ldy) {
    int w1 = wo + cols;
    int x1 = xo + cols;
    float a0 = 0;
    float a1 = 0;
    float a2 = 0;
    float a3 = 0;
    float b0 = 0;
    float b1 = 0;
    float b2 = 0;
    float b3 = 0;
    float c0 = 0;
    float c1 = 0;
    float c2 = 0;
    float c3 = 0;
    float d0 = 0;
    float d1 = 0;
    float d2 = 0;
    float d3 = 0;
    int i = 0;
    for (; i + 3 < cols; i += 4) {
      float p0 = q[wo + i];
      float p1 = q[wo + i + 1];
      float p2 = q[wo + i + 2];
      float p3 = q[wo + i + 3];
      float r0 = q[w1 + i];
      float r1 = q[w1 + i + 1];
      float r2 = q[w1 + i + 2];
      float r3 = q[w1 + i + 3];
      float u0 = x[xo + i];
      float u1 = x[xo + i + 1];
      float u2 = x[xo + i + 2];
      float u3 = x[xo + i + 3];
      float v0 = x[x1 + i];
      float v1 = x[x1 + i + 1];
      float v2 = x[x1 + i + 2];
      float v3 = x[x1 + i + 3];
      a0 += p0 * u0;
      a1 += p1 * u1;
      a2 += p2 * u2;
      a3 += p3 * u3;
      b0 += r0 * u0;
      b1 += r1 * u1;
      b2 += r2 * u2;
      b3 += r3 * u3;
      c0 += p0 * v0;
      c1 += p1 * v1;
      c2 += p2 * v2;
      c3 += p3 * v3;
      d0 += r0 * v0;
      d1 += r1 * v1;
      d2 += r2 * v2;
      d3 += r3 * v3;
    }
    for (; i < cols; i++) {
      a0 += q[wo + i] * x[xo + i];
      b0 += q[w1 + i] * x[xo + i];
      c0 += q[wo + i] * x[x1 + i];
      d0 += q[w1 + i] * x[x1 + i];
    }
    y[yo] = (a0 + a1) + (a2 + a3);
    y[yo + 1] = (b0 + b1) + (b2 + b3);
    y[yo + ldy] = (c0 + c1) + (c2 + c3);
    y[yo + ldy + 1] = (d0 + d1) + (d2 + d3);
  }

  /** Three rows times two tokens, each sum in {@link #dot}'s order: a weight serves two products, an activation three. */
  private static void tile3x2(byte[] q, int wo, int cols, float[] x, int xo, float[] y, int yo, int ldy) {
    int w1 = wo + cols;
    int w2 = w1 + cols;
    int x1 = xo + cols;
    float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    float b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    float c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    float d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    float e0 = 0, e1 = 0, e2 = 0, e3 = 0;
    float f0 = 0, f1 = 0, f2 = 0, f3 = 0;
    int i = 0;
    for (; i + 3 < cols; i += 4) {
      float u0 = x[xo + i];
      float u1 = x[xo + i + 1];
      float u2 = x[xo + i + 2];
      float u3 = x[xo + i + 3];
      float v0 = x[x1 + i];
      float v1 = x[x1 + i + 1];
      float v2 = x[x1 + i + 2];
      float v3 = x[x1 + i + 3];
      float p0 = q[wo + i];
      float p1 = q[wo + i + 1];
      float p2 = q[wo + i + 2];
      float p3 = q[wo + i + 3];
      a0 += p0 * u0;
      a1 += p1 * u1;
      a2 += p2 * u2;
      a3 += p3 * u3;
      d0 += p0 * v0;
      d1 += p1 * v1;
      d2 += p2 * v2;
      d3 += p3 * v3;
      p0 = q[w1 + i];
      p1 = q[w1 + i + 1];
      p2 = q[w1 + i + 2];
      p3 = q[w1 + i + 3];
      b0 += p0 * u0;
      b1 += p1 * u1;
      b2 += p2 * u2;
      b3 += p3 * u3;
      e0 += p0 * v0;
      e1 += p1 * v1;
      e2 += p2 * v2;
      e3 += p3 * v3;
      p0 = q[w2 + i];
      p1 = q[w2 + i + 1];
      p2 = q[w2 + i + 2];
      p3 = q[w2 + i + 3];
      c0 += p0 * u0;
      c1 += p1 * u1;
      c2 += p2 * u2;
      c3 += p3 * u3;
      f0 += p0 * v0;
      f1 += p1 * v1;
      f2 += p2 * v2;
      f3 += p3 * v3;
    }
    for (; i < cols; i++) {
      a0 += q[wo + i] * x[xo + i];
      b0 += q[w1 + i] * x[xo + i];
      c0 += q[w2 + i] * x[xo + i];
      d0 += q[wo + i] * x[x1 + i];
      e0 += q[w1 + i] * x[x1 + i];
      f0 += q[w2 + i] * x[x1 + i];
    }
    y[yo] = (a0 + a1) + (a2 + a3);
    y[yo + 1] = (b0 + b1) + (b2 + b3);
    y[yo + 2] = (c0 + c1) + (c2 + c3);
    y[yo + ldy] = (d0 + d1) + (d2 + d3);
    y[yo + ldy + 1] = (e0 + e1) + (e2 + e3);
    y[yo + ldy + 2] = (f0 + f1) + (f2 + f3);
  }

  /** Three rows times one token (decoding), each sum in {@link #dot}'s order: an activation serves three products. */
  private static void tile3x1(byte[] q, int wo, int cols, float[] x, int xo, float[] y, int yo) {
    int w1 = wo + cols;
    int w2 = w1 + cols;
    float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    float b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    float c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    int i = 0;
    for (; i + 3 < cols; i += 4) {
      float u0 = x[xo + i];
      float u1 = x[xo + i + 1];
      float u2 = x[xo + i + 2];
      float u3 = x[xo + i + 3];
      a0 += q[wo + i] * u0;
      a1 += q[wo + i + 1] * u1;
      a2 += q[wo + i + 2] * u2;
      a3 += q[wo + i + 3] * u3;
      b0 += q[w1 + i] * u0;
      b1 += q[w1 + i + 1] * u1;
      b2 += q[w1 + i + 2] * u2;
      b3 += q[w1 + i + 3] * u3;
      c0 += q[w2 + i] * u0;
      c1 += q[w2 + i + 1] * u1;
      c2 += q[w2 + i + 2] * u2;
      c3 += q[w2 + i + 3] * u3;
    }
    for (; i < cols; i++) {
      a0 += q[wo + i] * x[xo + i];
      b0 += q[w1 + i] * x[xo + i];
      c0 += q[w2 + i] * x[xo + i];
    }
    y[yo] = (a0 + a1) + (a2 + a3);
    y[yo + 1] = (b0 + b1) + (b2 + b3);
    y[yo + 2] = (c0 + c1) + (c2 + c3);
  }

  @Override
  public void addScaled(float a, float[] x, int xo, float[] y, int yo, int len) {
    for (int i = 0; i < len; i++) {
      y[yo + i] += a * x[xo + i];
    }
  }

  /** Expands each row and takes its {@link #dot}: the definition itself. */
  @Override
  public void panel4(byte[] q, int rowBytes, int zero, float[] scale, float[] offset, int rows, int cols, float[] x,
      int xo, int n, float[] y, int yo, int ldy) {
    float[] row = new float[cols];
    int blocks = cols / 32;
    for (int j = 0; j < rows; j++) {
      unpackNibbles(q, j * rowBytes, zero, scale, offset, j * blocks, blocks, row, 0);
      for (int t = 0; t < n; t++) {
        y[yo + t * ldy + j] = dot(row, 0, x, xo + t * cols, cols);
      }
    }
  }

  @Override
  public void unpackNibbles(byte[] q, int qo, int zero, float[] scale, float[] offset, int so, int blocks,
      float[] dst, int dsto) {
    for (int b = 0; b < blocks; b++) {
      float s = scale[so + b];
      float m = offset[so + b];
      int in = qo + 16 * b;
      int out = dsto + 32 * b;
      for (int i = 0; i < 16; i++) {
        int level = q[in + i];
        dst[out + i] = s * ((level & 15) - zero) + m;
        dst[out + 16 + i] = s * (((level >>> 4) & 15) - zero) + m;
      }
    }
  }

  @Override
  public String name() {
    return "scalar";
  }
}
