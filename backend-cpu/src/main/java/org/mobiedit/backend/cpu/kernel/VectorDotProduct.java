package org.mobiedit.backend.cpu.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels through the JDK's Vector API (widest float vectors the CPU has; fused multiply-add). Loaded only by
 * {@link DotProducts} when the {@code jdk.incubator.vector} module is present, so the backend still runs where it is
 * not (Android, a JVM started without {@code --add-modules jdk.incubator.vector}).
 *
 * <p>Every result is one chain of vector multiply-adds over the whole vectors of its pair, its lanes summed, then the
 * remaining elements added in order: {@link #dot} and every tile of {@link #panel} share this order, so a result is
 * the same bits whichever computed it. The tiles hold up to 4 tokens × 3 rows of sums in registers (12 accumulators,
 * 3 weight vectors, 1 activation vector: 16 of the 32 vector registers of AVX-512), so each loaded weight vector
 * feeds four multiply-adds and each activation vector three. int8 weights are widened to floats once per tile, not
 * once per token.
 *
 * <p>The file's float and int8 methods are the same code with a different weight load; they are kept apart, not
 * shared through a lambda, because the JIT must see every vector operation of a loop to keep it in registers. For
 * the same reason no helper takes or returns a vector: when the JIT runs out of inlining budget in a large caller, a
 * vector crossing a call is boxed and its operations fall back to plain Java, 5-10 times slower (seen here with a
 * 6-row decode tile, which was slower than two 3-row ones for that reason).
 */
final class VectorDotProduct implements DotProduct {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** Bytes with as many lanes as {@link #F}, widened to floats lane by lane. */
  private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));

  @Override
  public float dot(float[] w, int wo, float[] x, int xo, int len) {
    int bound = len - len % F.length();
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < bound; i += F.length()) {
      acc = FloatVector.fromArray(F, w, wo + i).fma(FloatVector.fromArray(F, x, xo + i), acc);
    }
    return tail(w, wo, x, xo, bound, len, acc.reduceLanes(VectorOperators.ADD));
  }

  @Override
  public float dot(byte[] q, int wo, float[] x, int xo, int len) {
    int bound = len - len % F.length();
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector wacc = (FloatVector) ByteVector.fromArray(B, q, wo + i).convertShape(VectorOperators.B2F, F, 0);
      acc = wacc.fma(FloatVector.fromArray(F, x, xo + i), acc);
    }
    return tail(q, wo, x, xo, bound, len, acc.reduceLanes(VectorOperators.ADD));
  }

  @Override
  public void panel(float[] w, int rows, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int j = 0;
    for (; j + 2 < rows; j += 3) {
      int t = 0;
      for (; t + 3 < n; t += 4) {
        tile4x3(w, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
      for (; t < n; t++) {
        tile1x3(w, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j);
      }
    }
    for (; j < rows; j++) {
      int t = 0;
      for (; t + 3 < n; t += 4) {
        tile4x1(w, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
      for (; t < n; t++) {
        y[yo + t * ldy + j] = dot(w, j * cols, x, xo + t * cols, cols);
      }
    }
  }

  @Override
  public void panel(byte[] q, int rows, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int j = 0;
    for (; j + 2 < rows; j += 3) {
      int t = 0;
      for (; t + 3 < n; t += 4) {
        tile4x3(q, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
      for (; t < n; t++) {
        tile1x3(q, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j);
      }
    }
    for (; j < rows; j++) {
      int t = 0;
      for (; t + 3 < n; t += 4) {
        tile4x1(q, j * cols, cols, x, xo + t * cols, y, yo + t * ldy + j, ldy);
      }
      for (; t < n; t++) {
        y[yo + t * ldy + j] = dot(q, j * cols, x, xo + t * cols, cols);
      }
    }
  }

  /** Rows {@code wo, wo+cols, wo+2*cols} times tokens {@code xo .. xo+3*cols}: 12 results at once. */
  private static void tile4x3(float[] w, int wo, int cols, float[] x, int xo, float[] y, int yo, int ldy) {
    int bound = cols - cols % F.length();
    int w1 = wo + cols;
    int w2 = w1 + cols;
    int x1 = xo + cols;
    int x2 = x1 + cols;
    int x3 = x2 + cols;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector v0 = FloatVector.fromArray(F, w, wo + i);
      FloatVector v1 = FloatVector.fromArray(F, w, w1 + i);
      FloatVector v2 = FloatVector.fromArray(F, w, w2 + i);
      FloatVector u = FloatVector.fromArray(F, x, xo + i);
      a00 = v0.fma(u, a00);
      a01 = v1.fma(u, a01);
      a02 = v2.fma(u, a02);
      u = FloatVector.fromArray(F, x, x1 + i);
      a10 = v0.fma(u, a10);
      a11 = v1.fma(u, a11);
      a12 = v2.fma(u, a12);
      u = FloatVector.fromArray(F, x, x2 + i);
      a20 = v0.fma(u, a20);
      a21 = v1.fma(u, a21);
      a22 = v2.fma(u, a22);
      u = FloatVector.fromArray(F, x, x3 + i);
      a30 = v0.fma(u, a30);
      a31 = v1.fma(u, a31);
      a32 = v2.fma(u, a32);
    }
    y[yo] = tail(w, wo, x, xo, bound, cols, a00.reduceLanes(VectorOperators.ADD));
    y[yo + 1] = tail(w, w1, x, xo, bound, cols, a01.reduceLanes(VectorOperators.ADD));
    y[yo + 2] = tail(w, w2, x, xo, bound, cols, a02.reduceLanes(VectorOperators.ADD));
    y[yo + ldy] = tail(w, wo, x, x1, bound, cols, a10.reduceLanes(VectorOperators.ADD));
    y[yo + ldy + 1] = tail(w, w1, x, x1, bound, cols, a11.reduceLanes(VectorOperators.ADD));
    y[yo + ldy + 2] = tail(w, w2, x, x1, bound, cols, a12.reduceLanes(VectorOperators.ADD));
    y[yo + 2 * ldy] = tail(w, wo, x, x2, bound, cols, a20.reduceLanes(VectorOperators.ADD));
    y[yo + 2 * ldy + 1] = tail(w, w1, x, x2, bound, cols, a21.reduceLanes(VectorOperators.ADD));
    y[yo + 2 * ldy + 2] = tail(w, w2, x, x2, bound, cols, a22.reduceLanes(VectorOperators.ADD));
    y[yo + 3 * ldy] = tail(w, wo, x, x3, bound, cols, a30.reduceLanes(VectorOperators.ADD));
    y[yo + 3 * ldy + 1] = tail(w, w1, x, x3, bound, cols, a31.reduceLanes(VectorOperators.ADD));
    y[yo + 3 * ldy + 2] = tail(w, w2, x, x3, bound, cols, a32.reduceLanes(VectorOperators.ADD));
  }

  /** Three rows times one token (decode): three independent sums. */
  private static void tile1x3(float[] w, int wo, int cols, float[] x, int xo, float[] y, int yo) {
    int bound = cols - cols % F.length();
    int w1 = wo + cols;
    int w2 = w1 + cols;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector u = FloatVector.fromArray(F, x, xo + i);
      a0 = FloatVector.fromArray(F, w, wo + i).fma(u, a0);
      a1 = FloatVector.fromArray(F, w, w1 + i).fma(u, a1);
      a2 = FloatVector.fromArray(F, w, w2 + i).fma(u, a2);
    }
    y[yo] = tail(w, wo, x, xo, bound, cols, a0.reduceLanes(VectorOperators.ADD));
    y[yo + 1] = tail(w, w1, x, xo, bound, cols, a1.reduceLanes(VectorOperators.ADD));
    y[yo + 2] = tail(w, w2, x, xo, bound, cols, a2.reduceLanes(VectorOperators.ADD));
  }

  /** One row times four tokens (the rows left over from a panel). */
  private static void tile4x1(float[] w, int wo, int cols, float[] x, int xo, float[] y, int yo, int ldy) {
    int bound = cols - cols % F.length();
    int x1 = xo + cols;
    int x2 = x1 + cols;
    int x3 = x2 + cols;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, w, wo + i);
      a0 = v.fma(FloatVector.fromArray(F, x, xo + i), a0);
      a1 = v.fma(FloatVector.fromArray(F, x, x1 + i), a1);
      a2 = v.fma(FloatVector.fromArray(F, x, x2 + i), a2);
      a3 = v.fma(FloatVector.fromArray(F, x, x3 + i), a3);
    }
    y[yo] = tail(w, wo, x, xo, bound, cols, a0.reduceLanes(VectorOperators.ADD));
    y[yo + ldy] = tail(w, wo, x, x1, bound, cols, a1.reduceLanes(VectorOperators.ADD));
    y[yo + 2 * ldy] = tail(w, wo, x, x2, bound, cols, a2.reduceLanes(VectorOperators.ADD));
    y[yo + 3 * ldy] = tail(w, wo, x, x3, bound, cols, a3.reduceLanes(VectorOperators.ADD));
  }

  /** {@code s} (the lanes of a sum), plus the elements past the last whole vector, in order. */
  private static float tail(float[] w, int wo, float[] x, int xo, int from, int len, float s) {
    for (int i = from; i < len; i++) {
      s += w[wo + i] * x[xo + i];
    }
    return s;
  }

  /** Rows {@code wo, wo+cols, wo+2*cols} times tokens {@code xo .. xo+3*cols}: 12 results at once. */
  private static void tile4x3(byte[] q, int wo, int cols, float[] x, int xo, float[] y, int yo, int ldy) {
    int bound = cols - cols % F.length();
    int w1 = wo + cols;
    int w2 = w1 + cols;
    int x1 = xo + cols;
    int x2 = x1 + cols;
    int x3 = x2 + cols;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector v0 = (FloatVector) ByteVector.fromArray(B, q, wo + i).convertShape(VectorOperators.B2F, F, 0);
      FloatVector v1 = (FloatVector) ByteVector.fromArray(B, q, w1 + i).convertShape(VectorOperators.B2F, F, 0);
      FloatVector v2 = (FloatVector) ByteVector.fromArray(B, q, w2 + i).convertShape(VectorOperators.B2F, F, 0);
      FloatVector u = FloatVector.fromArray(F, x, xo + i);
      a00 = v0.fma(u, a00);
      a01 = v1.fma(u, a01);
      a02 = v2.fma(u, a02);
      u = FloatVector.fromArray(F, x, x1 + i);
      a10 = v0.fma(u, a10);
      a11 = v1.fma(u, a11);
      a12 = v2.fma(u, a12);
      u = FloatVector.fromArray(F, x, x2 + i);
      a20 = v0.fma(u, a20);
      a21 = v1.fma(u, a21);
      a22 = v2.fma(u, a22);
      u = FloatVector.fromArray(F, x, x3 + i);
      a30 = v0.fma(u, a30);
      a31 = v1.fma(u, a31);
      a32 = v2.fma(u, a32);
    }
    y[yo] = tail(q, wo, x, xo, bound, cols, a00.reduceLanes(VectorOperators.ADD));
    y[yo + 1] = tail(q, w1, x, xo, bound, cols, a01.reduceLanes(VectorOperators.ADD));
    y[yo + 2] = tail(q, w2, x, xo, bound, cols, a02.reduceLanes(VectorOperators.ADD));
    y[yo + ldy] = tail(q, wo, x, x1, bound, cols, a10.reduceLanes(VectorOperators.ADD));
    y[yo + ldy + 1] = tail(q, w1, x, x1, bound, cols, a11.reduceLanes(VectorOperators.ADD));
    y[yo + ldy + 2] = tail(q, w2, x, x1, bound, cols, a12.reduceLanes(VectorOperators.ADD));
    y[yo + 2 * ldy] = tail(q, wo, x, x2, bound, cols, a20.reduceLanes(VectorOperators.ADD));
    y[yo + 2 * ldy + 1] = tail(q, w1, x, x2, bound, cols, a21.reduceLanes(VectorOperators.ADD));
    y[yo + 2 * ldy + 2] = tail(q, w2, x, x2, bound, cols, a22.reduceLanes(VectorOperators.ADD));
    y[yo + 3 * ldy] = tail(q, wo, x, x3, bound, cols, a30.reduceLanes(VectorOperators.ADD));
    y[yo + 3 * ldy + 1] = tail(q, w1, x, x3, bound, cols, a31.reduceLanes(VectorOperators.ADD));
    y[yo + 3 * ldy + 2] = tail(q, w2, x, x3, bound, cols, a32.reduceLanes(VectorOperators.ADD));
  }

  /** Three rows times one token (decode): three independent sums. */
  private static void tile1x3(byte[] q, int wo, int cols, float[] x, int xo, float[] y, int yo) {
    int bound = cols - cols % F.length();
    int w1 = wo + cols;
    int w2 = w1 + cols;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector u = FloatVector.fromArray(F, x, xo + i);
      FloatVector wa0 = (FloatVector) ByteVector.fromArray(B, q, wo + i).convertShape(VectorOperators.B2F, F, 0);
      a0 = wa0.fma(u, a0);
      FloatVector wa1 = (FloatVector) ByteVector.fromArray(B, q, w1 + i).convertShape(VectorOperators.B2F, F, 0);
      a1 = wa1.fma(u, a1);
      FloatVector wa2 = (FloatVector) ByteVector.fromArray(B, q, w2 + i).convertShape(VectorOperators.B2F, F, 0);
      a2 = wa2.fma(u, a2);
    }
    y[yo] = tail(q, wo, x, xo, bound, cols, a0.reduceLanes(VectorOperators.ADD));
    y[yo + 1] = tail(q, w1, x, xo, bound, cols, a1.reduceLanes(VectorOperators.ADD));
    y[yo + 2] = tail(q, w2, x, xo, bound, cols, a2.reduceLanes(VectorOperators.ADD));
  }

  /** One row times four tokens (the rows left over from a panel). */
  private static void tile4x1(byte[] q, int wo, int cols, float[] x, int xo, float[] y, int yo, int ldy) {
    int bound = cols - cols % F.length();
    int x1 = xo + cols;
    int x2 = x1 + cols;
    int x3 = x2 + cols;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector v = (FloatVector) ByteVector.fromArray(B, q, wo + i).convertShape(VectorOperators.B2F, F, 0);
      a0 = v.fma(FloatVector.fromArray(F, x, xo + i), a0);
      a1 = v.fma(FloatVector.fromArray(F, x, x1 + i), a1);
      a2 = v.fma(FloatVector.fromArray(F, x, x2 + i), a2);
      a3 = v.fma(FloatVector.fromArray(F, x, x3 + i), a3);
    }
    y[yo] = tail(q, wo, x, xo, bound, cols, a0.reduceLanes(VectorOperators.ADD));
    y[yo + ldy] = tail(q, wo, x, x1, bound, cols, a1.reduceLanes(VectorOperators.ADD));
    y[yo + 2 * ldy] = tail(q, wo, x, x2, bound, cols, a2.reduceLanes(VectorOperators.ADD));
    y[yo + 3 * ldy] = tail(q, wo, x, x3, bound, cols, a3.reduceLanes(VectorOperators.ADD));
  }

  /** {@code s} (the lanes of a sum), plus the elements past the last whole vector, in order. */
  private static float tail(byte[] q, int wo, float[] x, int xo, int from, int len, float s) {
    for (int i = from; i < len; i++) {
      s += q[wo + i] * x[xo + i];
    }
    return s;
  }

  @Override
  public void addScaled(float a, float[] x, int xo, float[] y, int yo, int len) {
    int bound = len - len % F.length();
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector.fromArray(F, x, xo + i).mul(a).add(FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
    }
    for (; i < len; i++) {
      y[yo + i] += a * x[xo + i];
    }
  }

  @Override
  public String name() {
    return "vector-" + F.vectorBitSize();
  }
}
