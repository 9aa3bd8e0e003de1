package org.mobiedit.spi.numerics;

/**
 * What {@link org.mobiedit.api.Precision#INT8_DYNAMIC} does to the input of a matrix product: each token's vector is
 * put on its own asymmetric int8 grid while the model runs, and the product sums integer levels. The grid is XNNPACK's
 * for its dynamically quantized fully connected kernels, so a backend that runs those kernels (backend-litert) and one
 * that computes the same levels in Java (backend-cpu, the reference) agree up to the float rounding of the final sum.
 *
 * <p>For a token {@code x} of {@code n} values:
 * <ul>
 *   <li>the range always contains zero: {@code lo = min(0, min x)}, {@code hi = max(0, max x)};
 *   <li>levels per unit {@code s = 255 / (hi - lo)} (1 when {@code hi == lo}, a token of zeros);
 *   <li>the zero level {@code z}: {@code -128 - lo·s} or {@code 127 - hi·s}, whichever end of the grid is nearer in
 *       its own rounding, clamped to [-128, 127] and rounded to the nearest integer, ties to even;
 *   <li>each value's level {@code q = clamp(rint(x·s) + z, -128, 127)}, and the value the product sees is
 *       {@code (q - z) / s}.
 * </ul>
 * The error of a value is at most half a step, {@code (hi - lo) / 510}, except where the clamp bites at the grid's
 * ends (by less than a step). A NaN anywhere in the token makes the whole token NaN, so bad numbers are not hidden.
 *
 * <p>Stateless; safe from any thread.
 */
public final class DynamicActivations {
  private static final float LOWEST = -128f;
  private static final float HIGHEST = 127f;

  private DynamicActivations() {}

  /**
   * Replaces each of the {@code tokens} rows of {@code cols} values in {@code x[from ..]} by the values its levels
   * stand for (in place).
   */
  public static void roundTokens(float[] x, int from, int tokens, int cols) {
    for (int t = 0; t < tokens; t++) {
      roundToken(x, from + t * cols, cols);
    }
  }

  /** {@link #roundTokens} for one token, {@code x[from .. from + n)}. */
  public static void roundToken(float[] x, int from, int n) {
    float lo = 0;
    float hi = 0;
    boolean nan = false;
    for (int i = from; i < from + n; i++) {
      float v = x[i];
      nan |= v != v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (nan) {
      java.util.Arrays.fill(x, from, from + n, Float.NaN);
      return;
    }
    float s = levelsPerUnit(lo, hi);
    float z = zeroLevel(lo, hi, s);
    float step = 1f / s;
    for (int i = from; i < from + n; i++) {
      float q = Math.min(HIGHEST, Math.max(LOWEST, (float) Math.rint(x[i] * s) + z));
      x[i] = (q - z) * step;
    }
  }

  /** Levels per unit of a range {@code [lo, hi]} that contains zero: 255 / (hi - lo), or 1 for an empty range. */
  public static float levelsPerUnit(float lo, float hi) {
    return lo == hi ? 1f : (HIGHEST - LOWEST) / (hi - lo);
  }

  /** The zero level of a range {@code [lo, hi]} at {@code s} levels per unit, an integer in [-128, 127]. */
  public static float zeroLevel(float lo, float hi, float s) {
    float loScaled = lo * s;
    float hiScaled = hi * s;
    float z = (LOWEST + loScaled) + (HIGHEST + hiScaled) > 0 ? LOWEST - loScaled : HIGHEST - hiScaled;
    return (float) Math.rint(Math.min(HIGHEST, Math.max(LOWEST, z)));
  }
}
