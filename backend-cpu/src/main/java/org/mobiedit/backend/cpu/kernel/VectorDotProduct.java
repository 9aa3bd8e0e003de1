package org.mobiedit.backend.cpu.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD dot products through the JDK's Vector API (widest float vectors the CPU has; fused multiply-add). Loaded
 * only by {@link DotProducts} when the {@code jdk.incubator.vector} module is present, so the backend still runs
 * where it is not (Android, a JVM started without {@code --add-modules jdk.incubator.vector}).
 */
final class VectorDotProduct implements DotProduct {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** Bytes with as many lanes as {@link #F}, widened to floats lane by lane. */
  private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int len) {
    int step = F.length();
    int bound = len - len % (2 * step);
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector acc1 = FloatVector.zero(F);
    int i = 0;
    for (; i < bound; i += 2 * step) {
      acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
      acc1 = FloatVector.fromArray(F, a, ao + i + step).fma(FloatVector.fromArray(F, b, bo + i + step), acc1);
    }
    float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      s += a[ao + i] * b[bo + i];
    }
    return s;
  }

  @Override
  public float dot(byte[] q, int qo, float[] b, int bo, int len) {
    int step = F.length();
    int bound = len - len % step;
    FloatVector acc = FloatVector.zero(F);
    int i = 0;
    for (; i < bound; i += step) {
      FloatVector w = (FloatVector) ByteVector.fromArray(B, q, qo + i).convertShape(VectorOperators.B2F, F, 0);
      acc = w.fma(FloatVector.fromArray(F, b, bo + i), acc);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      s += q[qo + i] * b[bo + i];
    }
    return s;
  }

  @Override
  public void dot4(float[] a, int ao, float[] b, int b0, int b1, int b2, int b3, int len, float[] out) {
    int step = F.length();
    int bound = len - len % (2 * step);
    FloatVector x0 = FloatVector.zero(F);
    FloatVector y0 = FloatVector.zero(F);
    FloatVector x1 = FloatVector.zero(F);
    FloatVector y1 = FloatVector.zero(F);
    FloatVector x2 = FloatVector.zero(F);
    FloatVector y2 = FloatVector.zero(F);
    FloatVector x3 = FloatVector.zero(F);
    FloatVector y3 = FloatVector.zero(F);
    int i = 0;
    for (; i < bound; i += 2 * step) {
      FloatVector w = FloatVector.fromArray(F, a, ao + i);
      FloatVector v = FloatVector.fromArray(F, a, ao + i + step);
      x0 = w.fma(FloatVector.fromArray(F, b, b0 + i), x0);
      y0 = v.fma(FloatVector.fromArray(F, b, b0 + i + step), y0);
      x1 = w.fma(FloatVector.fromArray(F, b, b1 + i), x1);
      y1 = v.fma(FloatVector.fromArray(F, b, b1 + i + step), y1);
      x2 = w.fma(FloatVector.fromArray(F, b, b2 + i), x2);
      y2 = v.fma(FloatVector.fromArray(F, b, b2 + i + step), y2);
      x3 = w.fma(FloatVector.fromArray(F, b, b3 + i), x3);
      y3 = v.fma(FloatVector.fromArray(F, b, b3 + i + step), y3);
    }
    // Same reduction and tail order as dot(), token by token.
    out[0] = tail(a, ao, b, b0, i, len, x0.add(y0).reduceLanes(VectorOperators.ADD));
    out[1] = tail(a, ao, b, b1, i, len, x1.add(y1).reduceLanes(VectorOperators.ADD));
    out[2] = tail(a, ao, b, b2, i, len, x2.add(y2).reduceLanes(VectorOperators.ADD));
    out[3] = tail(a, ao, b, b3, i, len, x3.add(y3).reduceLanes(VectorOperators.ADD));
  }

  private static float tail(float[] a, int ao, float[] b, int bo, int from, int len, float s) {
    for (int i = from; i < len; i++) {
      s += a[ao + i] * b[bo + i];
    }
    return s;
  }

  @Override
  public void dot4(byte[] q, int qo, float[] b, int b0, int b1, int b2, int b3, int len, float[] out) {
    int step = F.length();
    int bound = len - len % step;
    FloatVector x0 = FloatVector.zero(F);
    FloatVector x1 = FloatVector.zero(F);
    FloatVector x2 = FloatVector.zero(F);
    FloatVector x3 = FloatVector.zero(F);
    int i = 0;
    for (; i < bound; i += step) {
      FloatVector w = (FloatVector) ByteVector.fromArray(B, q, qo + i).convertShape(VectorOperators.B2F, F, 0);
      x0 = w.fma(FloatVector.fromArray(F, b, b0 + i), x0);
      x1 = w.fma(FloatVector.fromArray(F, b, b1 + i), x1);
      x2 = w.fma(FloatVector.fromArray(F, b, b2 + i), x2);
      x3 = w.fma(FloatVector.fromArray(F, b, b3 + i), x3);
    }
    out[0] = tail(q, qo, b, b0, i, len, x0.reduceLanes(VectorOperators.ADD));
    out[1] = tail(q, qo, b, b1, i, len, x1.reduceLanes(VectorOperators.ADD));
    out[2] = tail(q, qo, b, b2, i, len, x2.reduceLanes(VectorOperators.ADD));
    out[3] = tail(q, qo, b, b3, i, len, x3.reduceLanes(VectorOperators.ADD));
  }

  private static float tail(byte[] q, int qo, float[] b, int bo, int from, int len, float s) {
    for (int i = from; i < len; i++) {
      s += q[qo + i] * b[bo + i];
    }
    return s;
  }

  @Override
  public String name() {
    return "vector-" + F.vectorBitSize();
  }
}
