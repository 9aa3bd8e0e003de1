package org.mobiedit.spi.numerics;

/**
 * Int8 weights with one scale per output channel (per row of a {@code [out, in]} matrix), symmetric:
 * {@code w[r][c] ≈ scale[r] · q[r][c]} with {@code scale[r] = max|w[r]| / 127} on the {@link SymmetricGrid#INT8}
 * grid, rounded half away from zero. This is what {@link org.mobiedit.api.Precision#INT8} means for every backend:
 * one that stores int8 weights quantizes them with {@link #quantizeRow}, so that it holds backend-cpu's values.
 *
 * <p>A row of zeros gets scale 0 and levels 0. A row with a NaN gets scale NaN and levels 0. Infinite weights are not
 * defined (the loader refuses them).
 *
 * <p>Stateless; safe from any thread.
 */
public final class WeightQuantizer {
  private WeightQuantizer() {}

  /**
   * Quantizes {@code w[from .. from + count)} into {@code q[qFrom .. qFrom + count)} and returns the row's scale.
   *
   * <p>Example: {@code {0.5, -1.27, 0.01, 0}} has scale 0.01 and levels {@code {50, -127, 1, 0}}.
   */
  public static float quantizeRow(float[] w, int from, int count, byte[] q, int qFrom) {
    SymmetricGrid grid = SymmetricGrid.INT8;
    float scale = grid.scaleFor(SymmetricGrid.largestMagnitude(0, w, from, from + count));
    float inv = scale == 0 ? 0 : 1f / scale;
    for (int c = 0; c < count; c++) {
      q[qFrom + c] = (byte) grid.roundHalfAwayFromZero((double) w[from + c] * inv);
    }
    return scale;
  }
}
