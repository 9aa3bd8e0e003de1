package org.mobiedit.spi.numerics;

import java.util.Arrays;

/**
 * The static scales of a model's {@link ActivationPoint}s on one {@link SymmetricGrid}, fixed by calibration. The
 * rule every backend follows: observe the float activations of real tokens (never padding), keep the largest magnitude
 * per point, and set {@code scale = max(largest, Float.MIN_NORMAL) / L} ({@link #scaleFor}). A point that only ever
 * saw zeros keeps a tiny positive scale: everything rounds to zero and nothing divides by zero.
 *
 * <p>Example, for a model of {@code layers} decoder layers:
 * <pre>{@code
 * ActivationScales.Calibration c = ActivationScales.calibration(layers);
 * c.observe(ActivationPoint.QUERY.index(0), queries, 0, queries.length);   // for every point and row
 * ActivationScales scales = c.finish(SymmetricGrid.INT8);
 * float s = scales.scale(0, ActivationPoint.QUERY);
 * }</pre>
 *
 * <p>Immutable; safe from any thread. Replacing a model's scales means replacing the object, so readers see either
 * the old set or the new one.
 */
public final class ActivationScales {
  private final SymmetricGrid grid;
  private final float[] scales;

  private ActivationScales(SymmetricGrid grid, float[] scales) {
    this.grid = grid;
    this.scales = scales;
  }

  /** The calibration rule: {@code max(largestMagnitude, Float.MIN_NORMAL) / L}; NaN stays NaN. */
  public static float scaleFor(float largestMagnitude, SymmetricGrid grid) {
    return grid.scaleFor(Math.max(largestMagnitude, Float.MIN_NORMAL));
  }

  /** The scales for the largest magnitudes observed at each point ({@link ActivationPoint} order). */
  public static ActivationScales fromLargestMagnitudes(float[] largest, SymmetricGrid grid) {
    float[] s = new float[largest.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = scaleFor(largest[i], grid);
    }
    return new ActivationScales(grid, s);
  }

  /**
   * Scales as {@link #toArray()} gave them, on {@code grid}: how saved scales are read back (the SDK's edit files keep
   * the scales each edit left, see {@code BackendModel.activationScales()}).
   *
   * @throws IllegalArgumentException when a scale is not a finite positive number
   */
  public static ActivationScales of(SymmetricGrid grid, float[] scales) {
    if (grid == null) {
      throw new IllegalArgumentException("give the grid the scales belong to");
    }
    for (int i = 0; i < scales.length; i++) {
      if (!(scales[i] > 0) || !Float.isFinite(scales[i])) {
        throw new IllegalArgumentException("activation scale " + i + " is " + scales[i]
            + ", not a finite positive number");
      }
    }
    return new ActivationScales(grid, scales.clone());
  }

  /** An empty calibration for a model of {@code layers} decoder layers. */
  public static Calibration calibration(int layers) {
    return new Calibration(ActivationPoint.count(layers));
  }

  /** The grid the scales belong to. */
  public SymmetricGrid grid() {
    return grid;
  }

  /** How many points there are ({@link ActivationPoint#count}). */
  public int size() {
    return scales.length;
  }

  /** The scale of point {@code index} ({@link ActivationPoint#index}, {@link ActivationPoint#lmHeadIndex}). */
  public float get(int index) {
    return scales[index];
  }

  /** The scale of {@code point} in decoder layer {@code layer}. */
  public float scale(int layer, ActivationPoint point) {
    return scales[point.index(layer)];
  }

  /** The scale of the LM head's input. */
  public float lmHeadScale() {
    return scales[scales.length - 1];
  }

  /**
   * Whether these scales belong to a model of {@code layers} decoder layers quantizing its activations on
   * {@code grid}: what a backend checks before it puts scales back ({@code BackendModel.restoreActivationScales}).
   */
  public boolean fits(SymmetricGrid grid, int layers) {
    return this.grid == grid && scales.length == ActivationPoint.count(layers);
  }

  /** A copy of every scale, by index. */
  public float[] toArray() {
    return scales.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationScales other && other.grid == grid && Arrays.equals(other.scales, scales);
  }

  @Override
  public int hashCode() {
    return 31 * grid.bits() + Arrays.hashCode(scales);
  }

  @Override
  public String toString() {
    return "ActivationScales[" + grid + ", " + scales.length + " points]";
  }

  /**
   * The largest magnitudes seen so far, per point: the builder of {@link ActivationScales}. Not thread-safe; confine
   * it to the thread that calibrates.
   */
  public static final class Calibration {
    private final float[] largest;

    private Calibration(int points) {
      this.largest = new float[points];
    }

    /** Records the magnitudes of {@code x[from .. to)} at point {@code index}. */
    public void observe(int index, float[] x, int from, int to) {
      largest[index] = SymmetricGrid.largestMagnitude(largest[index], x, from, to);
    }

    /** The largest magnitude seen at point {@code index} so far (0 when nothing was observed). */
    public float largest(int index) {
      return largest[index];
    }

    /** The scales on {@code grid} from what was observed. */
    public ActivationScales finish(SymmetricGrid grid) {
      return fromLargestMagnitudes(largest, grid);
    }
  }
}
