package org.mobiedit.spi.numerics;

import org.mobiedit.api.Precision;

/**
 * A symmetric integer grid: the levels {@code -L .. +L} with {@code L = 2^(bits-1) - 1}, 127 for {@link #INT8} and
 * 32767 for {@link #INT16}. The most negative two's-complement value (-128, -32768) is never used, so {@code x} and
 * {@code -x} always land on opposite levels, as symmetric NPU quantization assumes. A value is stored as
 * {@code level · scale}; {@link #scaleFor} gives the scale that puts a largest magnitude on the outermost level.
 *
 * <p>Two rounding rules are in use, each where its results were first defined, and they must not be swapped:
 * <ul>
 *   <li>weights round half away from zero, in double ({@link #roundHalfAwayFromZero}): in float,
 *       {@code 0.49999997f + 0.5f} is already 1;
 *   <li>simulated activations round with {@link Math#round(float)}, half towards positive infinity, in float
 *       ({@link #snap}).
 * </ul>
 * Both saturate at {@code ±L}. NaN rounds to level 0 under both rules.
 *
 * <p>Immutable; safe from any thread.
 */
public final class SymmetricGrid {
  /** Levels -127..127. */
  public static final SymmetricGrid INT8 = new SymmetricGrid(8);
  /** Levels -32767..32767. */
  public static final SymmetricGrid INT16 = new SymmetricGrid(16);

  private final int bits;
  private final int levels;

  private SymmetricGrid(int bits) {
    this.bits = bits;
    this.levels = (1 << (bits - 1)) - 1;
  }

  /** The grid of {@code bits}: 8 or 16. */
  public static SymmetricGrid ofBits(int bits) {
    return switch (bits) {
      case 8 -> INT8;
      case 16 -> INT16;
      default -> throw new IllegalArgumentException("a symmetric grid has 8 or 16 bits, got " + bits);
    };
  }

  /**
   * The grid static activations are rounded to in {@code precision}: {@link #INT8} for {@link Precision#INT8_A8},
   * {@link #INT16} for {@link Precision#INT8_A16}.
   *
   * @throws IllegalArgumentException for a precision with float activations
   */
  public static SymmetricGrid forActivationsOf(Precision precision) {
    return switch (precision) {
      case INT8_A8 -> INT8;
      case INT8_A16 -> INT16;
      default -> throw new IllegalArgumentException(precision + " does not quantize activations");
    };
  }

  /** 8 or 16. */
  public int bits() {
    return bits;
  }

  /** The outermost level {@code L}: 127 or 32767. */
  public int levels() {
    return levels;
  }

  /**
   * The scale that maps {@code largestMagnitude} to level {@code L}: {@code largestMagnitude / L}, in float. Zero
   * gives zero and NaN gives NaN; callers that divide by the scale decide what zero means.
   */
  public float scaleFor(float largestMagnitude) {
    return largestMagnitude / levels;
  }

  /**
   * The level of an already scaled value ({@code x / scale}), rounded half away from zero and saturated at
   * {@code ±L}: the weight rule. NaN gives 0.
   */
  public int roundHalfAwayFromZero(double scaled) {
    int r = (int) (scaled + Math.copySign(0.5, scaled));
    return Math.max(-levels, Math.min(levels, r));
  }

  /**
   * Quantize-then-dequantize in place, the simulation of a static activation quantizer:
   * {@code x[i] = clamp(round(x[i] · (1 / scale)), -L, L) · scale} for {@code i} in {@code [from, to)}, rounded with
   * {@link Math#round(float)} in float. A NaN value becomes 0; a NaN scale makes every value NaN.
   */
  public void snap(float[] x, int from, int to, float scale) {
    float inv = 1f / scale;
    for (int i = from; i < to; i++) {
      float q = Math.round(x[i] * inv);
      x[i] = Math.max(-levels, Math.min(levels, q)) * scale;
    }
  }

  /**
   * {@code max(start, |x[i]|)} over {@code i} in {@code [from, to)}, the magnitude a scale must cover. With
   * {@link Math#max(float, float)}, one NaN makes the result NaN.
   */
  public static float largestMagnitude(float start, float[] x, int from, int to) {
    float max = start;
    for (int i = from; i < to; i++) {
      max = Math.max(max, Math.abs(x[i]));
    }
    return max;
  }

  @Override
  public String toString() {
    return "int" + bits + " (±" + levels + ")";
  }
}
