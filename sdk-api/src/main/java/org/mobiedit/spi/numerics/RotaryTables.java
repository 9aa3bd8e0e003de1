package org.mobiedit.spi.numerics;

import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeLayout;

/**
 * Rotary position embedding: the angles of every position and the rotation of query and key heads, for one model.
 * Pair {@code i} of a head (of {@code half = headDim / 2}) turns by {@code position · invFreq[i]}, where the inverse
 * frequencies come from {@link ModelSpec#ropeInverseFrequencies()} (so {@link org.mobiedit.spi.RopeScaling} is
 * applied). The angle is computed in double and its cosine and sine are rounded to float once: every backend that
 * takes its tables from here rotates by the same float values.
 *
 * <p>{@link #rotate} pairs dimensions as the model's {@link RopeLayout} says: {@code i} with {@code i + half}
 * ({@link RopeLayout#ROTATE_HALF}) or {@code 2i} with {@code 2i + 1} ({@link RopeLayout#INTERLEAVED}). A graph
 * backend may instead permute the q/k weight rows of an interleaved model to rotate-half and use the tables alone;
 * the attention scores are the same.
 *
 * <p>Example: with {@code headDim = 4} and inverse frequencies {@code {1, 0.01}}, position 2 has the angles
 * {@code {2, 0.02}}; {@code table(2, 1)} is {@code {{cos 2, cos 0.02}, {sin 2, sin 0.02}}}.
 *
 * <p>Immutable; safe from any thread.
 */
public final class RotaryTables {
  private final int headDim;
  private final int half;
  private final double[] inverseFrequencies;
  private final RopeLayout layout;

  /**
   * @param headDim the size of a head, even
   * @param inverseFrequencies {@code headDim / 2} inverse frequencies, scaling applied
   * @param layout how each head's pairs are laid out (used by {@link #rotate})
   */
  public RotaryTables(int headDim, double[] inverseFrequencies, RopeLayout layout) {
    if (headDim <= 0 || headDim % 2 != 0) {
      throw new IllegalArgumentException("rotary embedding needs an even head size, got " + headDim);
    }
    if (inverseFrequencies.length != headDim / 2) {
      throw new IllegalArgumentException("a head of " + headDim + " needs " + headDim / 2
          + " inverse frequencies, got " + inverseFrequencies.length);
    }
    this.headDim = headDim;
    this.half = headDim / 2;
    this.inverseFrequencies = inverseFrequencies.clone();
    this.layout = layout;
  }

  /** The tables of {@code spec}: its head size, its (scaled) inverse frequencies and its layout. */
  public static RotaryTables of(ModelSpec spec) {
    return new RotaryTables(spec.headDim(), spec.ropeInverseFrequencies(), spec.ropeLayout());
  }

  /** Pairs per head, {@code headDim / 2}: the length of one position's row of cosines or sines. */
  public int half() {
    return half;
  }

  /** The layout {@link #rotate} uses. */
  public RopeLayout layout() {
    return layout;
  }

  /**
   * Writes the cosines and sines of {@code position}'s angles into {@code cos[offset .. offset + half)} and
   * {@code sin[offset .. offset + half)}.
   */
  public void angles(int position, float[] cos, float[] sin, int offset) {
    for (int i = 0; i < half; i++) {
      double angle = (double) position * inverseFrequencies[i];
      cos[offset + i] = (float) Math.cos(angle);
      sin[offset + i] = (float) Math.sin(angle);
    }
  }

  /**
   * The tables of positions {@code from .. from + count - 1}: {@code {cos, sin}}, each {@code [count · half]},
   * position by position.
   */
  public float[][] table(int from, int count) {
    float[] cos = new float[count * half];
    float[] sin = new float[count * half];
    for (int t = 0; t < count; t++) {
      angles(from + t, cos, sin, t * half);
    }
    return new float[][] {cos, sin};
  }

  /**
   * Rotates {@code heads} consecutive heads of one token, {@code y[offset .. offset + heads · headDim)}, in place by
   * the angles in {@code cos[at .. at + half)} / {@code sin[at .. at + half)} (one position's row of
   * {@link #angles} or {@link #table}): each pair {@code (a, b)} becomes
   * {@code (a·cos − b·sin, a·sin + b·cos)}, in float.
   */
  public void rotate(float[] y, int offset, int heads, float[] cos, float[] sin, int at) {
    boolean interleaved = layout == RopeLayout.INTERLEAVED;
    for (int h = 0; h < heads; h++) {
      int base = offset + h * headDim;
      for (int i = 0; i < half; i++) {
        int a = interleaved ? base + 2 * i : base + i;
        int b = interleaved ? a + 1 : a + half;
        float x0 = y[a];
        float x1 = y[b];
        y[a] = x0 * cos[at + i] - x1 * sin[at + i];
        y[b] = x0 * sin[at + i] + x1 * cos[at + i];
      }
    }
  }
}
