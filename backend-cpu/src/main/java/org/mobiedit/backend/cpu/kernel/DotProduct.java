package org.mobiedit.backend.cpu.kernel;

/**
 * The inner kernel of every matrix product and of attention. Two implementations: {@link ScalarDotProduct} (plain
 * Java, runs everywhere, the reference) and {@code VectorDotProduct} (SIMD through the JDK's Vector API, used only
 * where the JVM offers the {@code jdk.incubator.vector} module). Both are pure functions, safe from any thread.
 */
public interface DotProduct {
  /** {@code sum a[ao+i] * b[bo+i]} for {@code i < len}. */
  float dot(float[] a, int ao, float[] b, int bo, int len);

  /** {@code sum q[qo+i] * b[bo+i]} for {@code i < len}, int8 weights times float activations. */
  float dot(byte[] q, int qo, float[] b, int bo, int len);

  /**
   * Four dot products of one weight vector with four activation vectors (at {@code b0..b3} in {@code b}), written to
   * {@code out[0..4)}. Loading the weights once for four tokens is what makes prefill fast. Each result is
   * bit-identical to {@link #dot(float[], int, float[], int, int)} of the same pair, so a token's numbers never
   * depend on how many other tokens were processed with it.
   */
  void dot4(float[] a, int ao, float[] b, int b0, int b1, int b2, int b3, int len, float[] out);

  /** The int8 form of {@link #dot4}, bit-identical to {@link #dot(byte[], int, float[], int, int)}. */
  void dot4(byte[] q, int qo, float[] b, int b0, int b1, int b2, int b3, int len, float[] out);

  /** A short name for diagnostics ("scalar", "vector-512"). */
  String name();
}
