package org.mobiedit.spi.numerics;

/**
 * What {@link org.mobiedit.api.Precision#INT4} means for every backend: weights in blocks of {@value #BLOCK}
 * consecutive elements of a row, each element a 4-bit level {@code q ∈ [0, 15]} mapped by a per-block scale and
 * offset. ggml's two 4-bit formats:
 * <ul>
 *   <li>Q4_0: {@code w = d · (q - 8)} with a half {@code d}: 18 bytes a block, the half then 16 bytes whose low
 *       nibbles are elements 0-15 and high nibbles elements 16-31;
 *   <li>Q4_K: super-blocks of 256 with a half {@code d}, a half {@code dmin} and a 6-bit scale {@code sc} and minimum
 *       {@code mn} per block: {@code w = (d · sc) · q - dmin · mn}.
 * </ul>
 * In both, the product is exact in float (a half times integers of at most 10 bits fits float's 24-bit significand),
 * so the value rounds at most once, exactly as ggml's dequantization does, and a fused multiply-add of the same
 * numbers gives the same bits. A backend that keeps a file's Q4_0 and Q4_K tensors in
 * this form computes with exactly the file's weights.
 *
 * <p>Float matrices (F32, F16, BF16) are quantized to Q4_0 blocks by {@link #quantizeQ40}, llama.cpp's rule:
 * the element of largest magnitude {@code m} (its sign kept) sets {@code d = m / -8}, so it lands on level 0 (value
 * {@code -8d = m}) and the others round to nearest in {@code [0, 15]}.
 *
 * <p>Stateless; safe from any thread.
 */
public final class FourBitBlocks {
  /** Elements per block. */
  public static final int BLOCK = 32;
  /** Bytes of one Q4_0 block: a half scale and 16 bytes of nibbles. */
  public static final int Q4_0_BYTES = 18;

  private FourBitBlocks() {}

  /**
   * Quantizes the {@value #BLOCK} elements {@code w[from ..]} into one Q4_0 block at {@code dst[at .. at + 18)}: the
   * half scale (little-endian) then the nibbles. A block of zeros gets scale 0 and level 8 (value 0); NaN elements
   * get level 8 in a block whose other elements set the scale.
   */
  public static void quantizeQ40(float[] w, int from, byte[] dst, int at) {
    float max = 0;
    float largest = 0;
    for (int i = 0; i < BLOCK; i++) {
      float v = w[from + i];
      if (Math.abs(v) > largest) {
        largest = Math.abs(v);
        max = v;
      }
    }
    float d = max / -8f;
    float inverse = d == 0 ? 0 : 1f / d;
    short half = HalfFloat.fromFloat(d);
    dst[at] = (byte) half;
    dst[at + 1] = (byte) (half >>> 8);
    for (int i = 0; i < BLOCK / 2; i++) {
      dst[at + 2 + i] = (byte) (level(w[from + i] * inverse) | level(w[from + BLOCK / 2 + i] * inverse) << 4);
    }
  }

  /** The level of a scaled value: {@code x + 8.5} truncated, saturated to {@code [0, 15]}; NaN gives 8. */
  private static int level(float scaled) {
    if (Float.isNaN(scaled)) {
      return 8;
    }
    return Math.max(0, Math.min(15, (int) (scaled + 8.5f)));
  }
}
