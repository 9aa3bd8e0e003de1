package org.mobiedit.backend.cpu;

/**
 * The inner kernel of every matrix product and of attention. Two implementations: {@link ScalarDotProduct} (plain
 * Java, runs everywhere, the reference) and {@code VectorDotProduct} (SIMD through the JDK's Vector API, used only
 * where the JVM offers the {@code jdk.incubator.vector} module). Both are pure functions, safe from any thread.
 */
interface DotProduct {
  /** {@code sum a[ao+i] * b[bo+i]} for {@code i < len}. */
  float dot(float[] a, int ao, float[] b, int bo, int len);

  /** {@code sum q[qo+i] * b[bo+i]} for {@code i < len}, int8 weights times float activations. */
  float dot(byte[] q, int qo, float[] b, int bo, int len);

  /** A short name for diagnostics ("scalar", "vector-512"). */
  String name();
}
