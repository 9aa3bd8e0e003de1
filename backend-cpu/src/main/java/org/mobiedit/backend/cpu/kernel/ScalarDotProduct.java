package org.mobiedit.backend.cpu.kernel;

/**
 * Plain Java kernels: the reference, and what runs where the Vector API does not (Android). A dot product keeps four
 * independent sums (instruction-level parallelism, fixed order); a panel is computed in register tiles of 2 rows × 2
 * tokens (each weight load serves two tokens, each activation load two rows) and, for a lone token (decoding), 3 rows
 * × 1 token (each activation load serves three rows), each result keeping that same order, so it is bit-identical to
 * {@link #dot}. Larger tiles (3 × 2) need more than the 32 float registers of ARM64 and AVX-512 and ran slower. The float and int8 forms are the same code over a
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
    int pairs = n & ~1;
    int j = 0;
    for (; j + 1 < rows; j += 2) {
      for (int t = 0; t < pairs; t += 2) {
        tile2x2(w, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
    }
    for (; j < rows; j++) {
      for (int t = 0; t < pairs; t++) {
        y[yo + t * ldy + j] = dot(w, j * cols, x, xo + t * cols, cols);
      }
    }
    if (pairs < n) {
      lone(w, rows, cols, x, xo + pairs * cols, y, yo + pairs * ldy);
    }
  }

  /** A lone token (decoding): rows in threes, each activation load serving three. */
  private void lone(float[] w, int rows, int cols, float[] x, int xo, float[] y, int yo) {
    int r = 0;
    for (; r + 2 < rows; r += 3) {
      tile3x1(w, r * cols, cols, x, xo, y, yo + r);
    }
    for (; r < rows; r++) {
      y[yo + r] = dot(w, r * cols, x, xo, cols);
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
    int pairs = n & ~1;
    int j = 0;
    for (; j + 1 < rows; j += 2) {
      for (int t = 0; t < pairs; t += 2) {
        tile2x2(q, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
    }
    for (; j < rows; j++) {
      for (int t = 0; t < pairs; t++) {
        y[yo + t * ldy + j] = dot(q, j * cols, x, xo + t * cols, cols);
      }
    }
    if (pairs < n) {
      lone(q, rows, cols, x, xo + pairs * cols, y, yo + pairs * ldy);
    }
  }

  /** A lone token (decoding): rows in threes, each activation load serving three. */
  private void lone(byte[] q, int rows, int cols, float[] x, int xo, float[] y, int yo) {
    int r = 0;
    for (; r + 2 < rows; r += 3) {
      tile3x1(q, r * cols, cols, x, xo, y, yo + r);
    }
    for (; r < rows; r++) {
      y[yo + r] = dot(q, r * cols, x, xo, cols);
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
