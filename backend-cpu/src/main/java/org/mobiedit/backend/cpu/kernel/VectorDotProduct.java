package org.mobiedit.backend.cpu.kernel;

import org.codehaus.mojo.animal_sniffer.IgnoreJRERequirement;
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
 * <p>How the JIT must see this code: the Vector API is only fast where the JIT inlines every vector operation into
 * one compiled method; a vector that crosses a call it did not inline is boxed, and its operations fall back to plain
 * Java, many times slower. The JIT inlines a hot method into its caller while it is small (325 bytecodes) and the
 * caller's budget lasts, so a small method full of vector code can be inlined into a large caller and lose its
 * intrinsics there (seen here in a profile: {@code convertShape} running its Java fallback under {@code panel}, when
 * the widening was a helper and the single-token tile was small enough to be inlined). So every vector loop lives in
 * a method too large to be inlined ({@code threeRows}, {@code oneRow}: each compiled on its own, all its vector
 * operations inside), {@link #panel} holds no vector code, and no helper takes or returns a vector. The float and
 * int8 forms are the same code with a different weight load, kept apart rather than shared through a lambda for
 * the same reason.
 */
@IgnoreJRERequirement // loaded only where the JVM offers the Vector API (never on Android)
final class VectorDotProduct implements DotProduct {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** Bytes with as many lanes as {@link #F}, widened to floats lane by lane. */
  private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));

  /** The Vector API and its width here, e.g. "jdk.incubator.vector, 512-bit, 16 floats per vector". */
  @Override
  public String toString() {
    return "jdk.incubator.vector, " + F.vectorBitSize() + "-bit, " + F.length() + " floats per vector";
  }

  @Override
  public float dot(float[] w, int wo, float[] x, int xo, int len) {
    int bound = len - len % F.length();
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, w, wo + i);
      acc = v.fma(FloatVector.fromArray(F, x, xo + i), acc);
    }
    return tail(w, wo, x, xo, bound, len, acc.reduceLanes(VectorOperators.ADD));
  }

  @Override
  public void panel(float[] w, int rows, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int j = 0;
    for (; j + 2 < rows; j += 3) {
      threeRows(w, j * cols, cols, x, xo, n, y, yo + j, ldy);
    }
    for (; j < rows; j++) {
      oneRow(w, j * cols, cols, x, xo, n, y, yo + j, ldy);
    }
  }

  /**
   * Rows {@code wo, wo+cols, wo+2*cols} times every token: tiles of 4 tokens × 3 rows (12 sums at once), then the
   * tokens left over 1 × 3.
   */
  private static void threeRows(float[] w, int wo, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int bound = cols - cols % F.length();
    int w1 = wo + cols;
    int w2 = w1 + cols;
    int t = 0;
    for (; t + 3 < n; t += 4) {
      int x0 = xo + t * cols;
      int x1 = x0 + cols;
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
        FloatVector u = FloatVector.fromArray(F, x, x0 + i);
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
      int o = yo + t * ldy;
      y[o] = tail(w, wo, x, x0, bound, cols, a00.reduceLanes(VectorOperators.ADD));
      y[o + 1] = tail(w, w1, x, x0, bound, cols, a01.reduceLanes(VectorOperators.ADD));
      y[o + 2] = tail(w, w2, x, x0, bound, cols, a02.reduceLanes(VectorOperators.ADD));
      y[o + ldy] = tail(w, wo, x, x1, bound, cols, a10.reduceLanes(VectorOperators.ADD));
      y[o + ldy + 1] = tail(w, w1, x, x1, bound, cols, a11.reduceLanes(VectorOperators.ADD));
      y[o + ldy + 2] = tail(w, w2, x, x1, bound, cols, a12.reduceLanes(VectorOperators.ADD));
      y[o + 2 * ldy] = tail(w, wo, x, x2, bound, cols, a20.reduceLanes(VectorOperators.ADD));
      y[o + 2 * ldy + 1] = tail(w, w1, x, x2, bound, cols, a21.reduceLanes(VectorOperators.ADD));
      y[o + 2 * ldy + 2] = tail(w, w2, x, x2, bound, cols, a22.reduceLanes(VectorOperators.ADD));
      y[o + 3 * ldy] = tail(w, wo, x, x3, bound, cols, a30.reduceLanes(VectorOperators.ADD));
      y[o + 3 * ldy + 1] = tail(w, w1, x, x3, bound, cols, a31.reduceLanes(VectorOperators.ADD));
      y[o + 3 * ldy + 2] = tail(w, w2, x, x3, bound, cols, a32.reduceLanes(VectorOperators.ADD));
    }
    for (; t < n; t++) {
      int x0 = xo + t * cols;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      for (int i = 0; i < bound; i += F.length()) {
        FloatVector u = FloatVector.fromArray(F, x, x0 + i);
        FloatVector v0 = FloatVector.fromArray(F, w, wo + i);
        FloatVector v1 = FloatVector.fromArray(F, w, w1 + i);
        FloatVector v2 = FloatVector.fromArray(F, w, w2 + i);
        a0 = v0.fma(u, a0);
        a1 = v1.fma(u, a1);
        a2 = v2.fma(u, a2);
      }
      int o = yo + t * ldy;
      y[o] = tail(w, wo, x, x0, bound, cols, a0.reduceLanes(VectorOperators.ADD));
      y[o + 1] = tail(w, w1, x, x0, bound, cols, a1.reduceLanes(VectorOperators.ADD));
      y[o + 2] = tail(w, w2, x, x0, bound, cols, a2.reduceLanes(VectorOperators.ADD));
    }
  }

  /** Row {@code wo} times every token: tiles of 4 tokens, then the tokens left over one by one. */
  private static void oneRow(float[] w, int wo, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int bound = cols - cols % F.length();
    int t = 0;
    for (; t + 3 < n; t += 4) {
      int x0 = xo + t * cols;
      int x1 = x0 + cols;
      int x2 = x1 + cols;
      int x3 = x2 + cols;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int i = 0; i < bound; i += F.length()) {
        FloatVector v = FloatVector.fromArray(F, w, wo + i);
        a0 = v.fma(FloatVector.fromArray(F, x, x0 + i), a0);
        a1 = v.fma(FloatVector.fromArray(F, x, x1 + i), a1);
        a2 = v.fma(FloatVector.fromArray(F, x, x2 + i), a2);
        a3 = v.fma(FloatVector.fromArray(F, x, x3 + i), a3);
      }
      int o = yo + t * ldy;
      y[o] = tail(w, wo, x, x0, bound, cols, a0.reduceLanes(VectorOperators.ADD));
      y[o + ldy] = tail(w, wo, x, x1, bound, cols, a1.reduceLanes(VectorOperators.ADD));
      y[o + 2 * ldy] = tail(w, wo, x, x2, bound, cols, a2.reduceLanes(VectorOperators.ADD));
      y[o + 3 * ldy] = tail(w, wo, x, x3, bound, cols, a3.reduceLanes(VectorOperators.ADD));
    }
    for (; t < n; t++) {
      int x0 = xo + t * cols;
      FloatVector acc = FloatVector.zero(F);
      for (int i = 0; i < bound; i += F.length()) {
        FloatVector v = FloatVector.fromArray(F, w, wo + i);
        acc = v.fma(FloatVector.fromArray(F, x, x0 + i), acc);
      }
      y[yo + t * ldy] = tail(w, wo, x, x0, bound, cols, acc.reduceLanes(VectorOperators.ADD));
    }
  }

  /** {@code s} (the lanes of a sum), plus the elements past the last whole vector, in order. */
  private static float tail(float[] w, int wo, float[] x, int xo, int from, int len, float s) {
    for (int i = from; i < len; i++) {
      s += w[wo + i] * x[xo + i];
    }
    return s;
  }

  @Override
  public float dot(byte[] q, int wo, float[] x, int xo, int len) {
    int bound = len - len % F.length();
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector v = (FloatVector) ByteVector.fromArray(B, q, wo + i).convertShape(VectorOperators.B2F, F, 0);
      acc = v.fma(FloatVector.fromArray(F, x, xo + i), acc);
    }
    return tail(q, wo, x, xo, bound, len, acc.reduceLanes(VectorOperators.ADD));
  }

  @Override
  public void panel(byte[] q, int rows, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int j = 0;
    for (; j + 2 < rows; j += 3) {
      threeRows(q, j * cols, cols, x, xo, n, y, yo + j, ldy);
    }
    for (; j < rows; j++) {
      oneRow(q, j * cols, cols, x, xo, n, y, yo + j, ldy);
    }
  }

  /**
   * Rows {@code wo, wo+cols, wo+2*cols} times every token: tiles of 4 tokens × 3 rows (12 sums at once), then the
   * tokens left over 1 × 3.
   */
  private static void threeRows(byte[] q, int wo, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int bound = cols - cols % F.length();
    int w1 = wo + cols;
    int w2 = w1 + cols;
    int t = 0;
    for (; t + 3 < n; t += 4) {
      int x0 = xo + t * cols;
      int x1 = x0 + cols;
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
        FloatVector u = FloatVector.fromArray(F, x, x0 + i);
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
      int o = yo + t * ldy;
      y[o] = tail(q, wo, x, x0, bound, cols, a00.reduceLanes(VectorOperators.ADD));
      y[o + 1] = tail(q, w1, x, x0, bound, cols, a01.reduceLanes(VectorOperators.ADD));
      y[o + 2] = tail(q, w2, x, x0, bound, cols, a02.reduceLanes(VectorOperators.ADD));
      y[o + ldy] = tail(q, wo, x, x1, bound, cols, a10.reduceLanes(VectorOperators.ADD));
      y[o + ldy + 1] = tail(q, w1, x, x1, bound, cols, a11.reduceLanes(VectorOperators.ADD));
      y[o + ldy + 2] = tail(q, w2, x, x1, bound, cols, a12.reduceLanes(VectorOperators.ADD));
      y[o + 2 * ldy] = tail(q, wo, x, x2, bound, cols, a20.reduceLanes(VectorOperators.ADD));
      y[o + 2 * ldy + 1] = tail(q, w1, x, x2, bound, cols, a21.reduceLanes(VectorOperators.ADD));
      y[o + 2 * ldy + 2] = tail(q, w2, x, x2, bound, cols, a22.reduceLanes(VectorOperators.ADD));
      y[o + 3 * ldy] = tail(q, wo, x, x3, bound, cols, a30.reduceLanes(VectorOperators.ADD));
      y[o + 3 * ldy + 1] = tail(q, w1, x, x3, bound, cols, a31.reduceLanes(VectorOperators.ADD));
      y[o + 3 * ldy + 2] = tail(q, w2, x, x3, bound, cols, a32.reduceLanes(VectorOperators.ADD));
    }
    for (; t < n; t++) {
      int x0 = xo + t * cols;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      for (int i = 0; i < bound; i += F.length()) {
        FloatVector u = FloatVector.fromArray(F, x, x0 + i);
        FloatVector v0 = (FloatVector) ByteVector.fromArray(B, q, wo + i).convertShape(VectorOperators.B2F, F, 0);
        FloatVector v1 = (FloatVector) ByteVector.fromArray(B, q, w1 + i).convertShape(VectorOperators.B2F, F, 0);
        FloatVector v2 = (FloatVector) ByteVector.fromArray(B, q, w2 + i).convertShape(VectorOperators.B2F, F, 0);
        a0 = v0.fma(u, a0);
        a1 = v1.fma(u, a1);
        a2 = v2.fma(u, a2);
      }
      int o = yo + t * ldy;
      y[o] = tail(q, wo, x, x0, bound, cols, a0.reduceLanes(VectorOperators.ADD));
      y[o + 1] = tail(q, w1, x, x0, bound, cols, a1.reduceLanes(VectorOperators.ADD));
      y[o + 2] = tail(q, w2, x, x0, bound, cols, a2.reduceLanes(VectorOperators.ADD));
    }
  }

  /** Row {@code wo} times every token: tiles of 4 tokens, then the tokens left over one by one. */
  private static void oneRow(byte[] q, int wo, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    int bound = cols - cols % F.length();
    int t = 0;
    for (; t + 3 < n; t += 4) {
      int x0 = xo + t * cols;
      int x1 = x0 + cols;
      int x2 = x1 + cols;
      int x3 = x2 + cols;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int i = 0; i < bound; i += F.length()) {
        FloatVector v = (FloatVector) ByteVector.fromArray(B, q, wo + i).convertShape(VectorOperators.B2F, F, 0);
        a0 = v.fma(FloatVector.fromArray(F, x, x0 + i), a0);
        a1 = v.fma(FloatVector.fromArray(F, x, x1 + i), a1);
        a2 = v.fma(FloatVector.fromArray(F, x, x2 + i), a2);
        a3 = v.fma(FloatVector.fromArray(F, x, x3 + i), a3);
      }
      int o = yo + t * ldy;
      y[o] = tail(q, wo, x, x0, bound, cols, a0.reduceLanes(VectorOperators.ADD));
      y[o + ldy] = tail(q, wo, x, x1, bound, cols, a1.reduceLanes(VectorOperators.ADD));
      y[o + 2 * ldy] = tail(q, wo, x, x2, bound, cols, a2.reduceLanes(VectorOperators.ADD));
      y[o + 3 * ldy] = tail(q, wo, x, x3, bound, cols, a3.reduceLanes(VectorOperators.ADD));
    }
    for (; t < n; t++) {
      int x0 = xo + t * cols;
      FloatVector acc = FloatVector.zero(F);
      for (int i = 0; i < bound; i += F.length()) {
        FloatVector v = (FloatVector) ByteVector.fromArray(B, q, wo + i).convertShape(VectorOperators.B2F, F, 0);
        acc = v.fma(FloatVector.fromArray(F, x, x0 + i), acc);
      }
      y[yo + t * ldy] = tail(q, wo, x, x0, bound, cols, acc.reduceLanes(VectorOperators.ADD));
    }
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

  /**
   * One 16-byte group per block, read as vectors of {@link #B} bytes: the low nibbles of each vector are the block's
   * next elements from 0, the high nibbles from 16; each widened to floats and mapped by one fused multiply-add,
   * exact because the product is. Needs {@code 16 % F.length() == 0} (16 or fewer float lanes; wider vectors go
   * through the scalar loop).
   */
  @Override
  public void unpackNibbles(byte[] q, int qo, int zero, float[] scale, float[] offset, int so, int blocks,
      float[] dst, int dsto) {
    if (16 % F.length() != 0) {
      ScalarDotProduct.INSTANCE.unpackNibbles(q, qo, zero, scale, offset, so, blocks, dst, dsto);
      return;
    }
    for (int b = 0; b < blocks; b++) {
      FloatVector s = FloatVector.broadcast(F, scale[so + b]);
      FloatVector m = FloatVector.broadcast(F, offset[so + b]);
      int in = qo + 16 * b;
      int out = dsto + 32 * b;
      for (int i = 0; i < 16; i += F.length()) {
        ByteVector levels = ByteVector.fromArray(B, q, in + i);
        FloatVector low = (FloatVector) levels.and((byte) 15).sub((byte) zero)
            .convertShape(VectorOperators.B2F, F, 0);
        low.fma(s, m).intoArray(dst, out + i);
        FloatVector high = (FloatVector) levels.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4)
            .reinterpretAsBytes().and((byte) 15).sub((byte) zero).convertShape(VectorOperators.B2F, F, 0);
        high.fma(s, m).intoArray(dst, out + 16 + i);
      }
    }
  }

  /**
   * Token by token, rows three at a time ({@code threeRows4}), then one by one: every nibble vector is widened, mapped
   * by its block's scale and offset in one fused multiply-add (exact, as {@link #unpackNibbles} does) and multiplied
   * into the row's sum in element order, the chain {@link #dot} runs on the expanded row.
   */
  @Override
  public void panel4(byte[] q, int rowBytes, int zero, float[] scale, float[] offset, int rows, int cols, float[] x,
      int xo, int n, float[] y, int yo, int ldy) {
    if (16 % F.length() != 0) {
      ScalarDotProduct.INSTANCE.panel4(q, rowBytes, zero, scale, offset, rows, cols, x, xo, n, y, yo, ldy);
      return;
    }
    int blocks = cols / 32;
    for (int t = 0; t < n; t++) {
      int j = 0;
      for (; j + 2 < rows; j += 3) {
        threeRows4(q, j * rowBytes, rowBytes, zero, scale, offset, j * blocks, blocks, x, xo + t * cols, y,
            yo + t * ldy + j);
      }
      for (; j < rows; j++) {
        y[yo + t * ldy + j] = oneRow4(q, j * rowBytes, zero, scale, offset, j * blocks, blocks, x, xo + t * cols);
      }
    }
  }

  /** Three 4-bit rows (at {@code qo}, {@code qo + rowBytes}, {@code qo + 2 rowBytes}) times one token. */
  private static void threeRows4(byte[] q, int qo, int rowBytes, int zero, float[] scale, float[] offset, int so,
      int blocks, float[] x, int xo, float[] y, int yo) {
    int q1 = qo + rowBytes;
    int q2 = q1 + rowBytes;
    int s1 = so + blocks;
    int s2 = s1 + blocks;
    byte z = (byte) zero;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    for (int b = 0; b < blocks; b++) {
      FloatVector c0 = FloatVector.broadcast(F, scale[so + b]);
      FloatVector m0 = FloatVector.broadcast(F, offset[so + b]);
      FloatVector c1 = FloatVector.broadcast(F, scale[s1 + b]);
      FloatVector m1 = FloatVector.broadcast(F, offset[s1 + b]);
      FloatVector c2 = FloatVector.broadcast(F, scale[s2 + b]);
      FloatVector m2 = FloatVector.broadcast(F, offset[s2 + b]);
      int in = 16 * b;
      int at = xo + 32 * b;
      for (int i = 0; i < 16; i += F.length()) {
        FloatVector u = FloatVector.fromArray(F, x, at + i);
        FloatVector v0 = (FloatVector) ByteVector.fromArray(B, q, qo + in + i).and((byte) 15).sub(z)
            .convertShape(VectorOperators.B2F, F, 0);
        FloatVector v1 = (FloatVector) ByteVector.fromArray(B, q, q1 + in + i).and((byte) 15).sub(z)
            .convertShape(VectorOperators.B2F, F, 0);
        FloatVector v2 = (FloatVector) ByteVector.fromArray(B, q, q2 + in + i).and((byte) 15).sub(z)
            .convertShape(VectorOperators.B2F, F, 0);
        a0 = v0.fma(c0, m0).fma(u, a0);
        a1 = v1.fma(c1, m1).fma(u, a1);
        a2 = v2.fma(c2, m2).fma(u, a2);
      }
      for (int i = 0; i < 16; i += F.length()) {
        FloatVector u = FloatVector.fromArray(F, x, at + 16 + i);
        FloatVector v0 = (FloatVector) ByteVector.fromArray(B, q, qo + in + i).reinterpretAsInts()
            .lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 15).sub(z)
            .convertShape(VectorOperators.B2F, F, 0);
        FloatVector v1 = (FloatVector) ByteVector.fromArray(B, q, q1 + in + i).reinterpretAsInts()
            .lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 15).sub(z)
            .convertShape(VectorOperators.B2F, F, 0);
        FloatVector v2 = (FloatVector) ByteVector.fromArray(B, q, q2 + in + i).reinterpretAsInts()
            .lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 15).sub(z)
            .convertShape(VectorOperators.B2F, F, 0);
        a0 = v0.fma(c0, m0).fma(u, a0);
        a1 = v1.fma(c1, m1).fma(u, a1);
        a2 = v2.fma(c2, m2).fma(u, a2);
      }
    }
    y[yo] = a0.reduceLanes(VectorOperators.ADD);
    y[yo + 1] = a1.reduceLanes(VectorOperators.ADD);
    y[yo + 2] = a2.reduceLanes(VectorOperators.ADD);
  }

  /** One 4-bit row times one token. */
  private static float oneRow4(byte[] q, int qo, int zero, float[] scale, float[] offset, int so, int blocks,
      float[] x, int xo) {
    byte z = (byte) zero;
    FloatVector acc = FloatVector.zero(F);
    for (int b = 0; b < blocks; b++) {
      FloatVector c = FloatVector.broadcast(F, scale[so + b]);
      FloatVector m = FloatVector.broadcast(F, offset[so + b]);
      int in = qo + 16 * b;
      int at = xo + 32 * b;
      for (int i = 0; i < 16; i += F.length()) {
        FloatVector v = (FloatVector) ByteVector.fromArray(B, q, in + i).and((byte) 15).sub(z)
            .convertShape(VectorOperators.B2F, F, 0);
        acc = v.fma(c, m).fma(FloatVector.fromArray(F, x, at + i), acc);
      }
      for (int i = 0; i < 16; i += F.length()) {
        FloatVector v = (FloatVector) ByteVector.fromArray(B, q, in + i).reinterpretAsInts()
            .lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 15).sub(z)
            .convertShape(VectorOperators.B2F, F, 0);
        acc = v.fma(c, m).fma(FloatVector.fromArray(F, x, at + 16 + i), acc);
      }
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  @Override
  public String name() {
    return "vector-" + F.vectorBitSize();
  }
}
