package org.mobiedit.backend.cpu;

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
  public String name() {
    return "vector-" + F.vectorBitSize();
  }
}
