package org.mobiedit.backend.cpu.kernel;

/**
 * The inner kernels of every matrix product and of attention. Two implementations: {@link ScalarDotProduct} (plain
 * Java, runs everywhere, the reference) and {@code VectorDotProduct} (SIMD through the JDK's Vector API, used only
 * where the JVM offers the {@code jdk.incubator.vector} module). Both are pure functions, safe from any thread.
 */
public interface DotProduct {
  /** {@code sum a[ao+i] * b[bo+i]} for {@code i < len}. */
  float dot(float[] a, int ao, float[] b, int bo, int len);

  /** {@code sum q[qo+i] * b[bo+i]} for {@code i < len}, int8 weights times float activations. */
  float dot(byte[] q, int qo, float[] b, int bo, int len);

  /**
   * The products of a panel of weight rows with a block of tokens, the core of every matrix product:
   * {@code y[yo + t*ldy + j] = dot(w[j*cols ..], x[xo + t*cols ..], cols)} for rows {@code j < rows} and tokens
   * {@code t < n}. A kernel computes several rows × several tokens at once, so that each weight and activation load
   * feeds several multiply-adds, yet every result is bit-identical to {@link #dot(float[], int, float[], int, int)}
   * of the same pair: a token's numbers never depend on how many other tokens or rows were computed with it.
   */
  void panel(float[] w, int rows, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy);

  /** The int8 form of {@link #panel(float[], int, int, float[], int, int, float[], int, int)}, unscaled. */
  void panel(byte[] q, int rows, int cols, float[] x, int xo, int n, float[] y, int yo, int ldy);

  /**
   * {@code y[yo+i] += a * x[xo+i]} for {@code i < len}, each a product rounded to float and then a sum rounded to
   * float (never fused), so every kernel gives the bits of the plain loop.
   */
  void addScaled(float a, float[] x, int xo, float[] y, int yo, int len);

  /**
   * Expands {@code blocks} 4-bit blocks ({@link org.mobiedit.spi.numerics.FourBitBlocks}) into floats: block {@code b}
   * has 16 bytes at {@code q[qo + 16b ..]} whose low nibbles are elements 0-15 and high nibbles elements 16-31, and
   * element {@code i} becomes {@code dst[dsto + 32b + i] = scale[so + b] · (level - zero) + offset[so + b]}. The
   * product is exact, so every kernel (fused or not) gives the same bits, those of ggml's dequantization (Q4_0:
   * {@code zero} 8 and offset -0, which keeps the sign of a zero product; Q4_K: {@code zero} 0).
   */
  void unpackNibbles(byte[] q, int qo, int zero, float[] scale, float[] offset, int so, int blocks, float[] dst,
      int dsto);

  /**
   * The products of {@code rows} 4-bit rows with {@code n} tokens read straight from the nibbles, for the few tokens
   * of decoding, where expanding a panel to floats would cost more than the products: row {@code j}'s nibbles are
   * {@code q[j * rowBytes ..]} (as {@link #unpackNibbles} reads them) and its blocks' scales and offsets
   * {@code scale/offset[j * cols / 32 ..]}; {@code y[yo + t*ldy + j]} is bit-identical to
   * {@link #dot(float[], int, float[], int, int)} of the row expanded by {@link #unpackNibbles}.
   */
  void panel4(byte[] q, int rowBytes, int zero, float[] scale, float[] offset, int rows, int cols, float[] x, int xo,
      int n, float[] y, int yo, int ldy);

  /** A short name for diagnostics ("scalar", "vector-512"). */
  String name();
}
