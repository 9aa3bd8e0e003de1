package org.mobiedit.backend.cpu;

/**
 * Static activation quantization, as a phone NPU runs a compiled graph: every tensor that enters a matrix product
 * (the normed input of q/k/v, the queries, keys and values of attention, the input of the output projection, the
 * normed input of gate/up, the input of {@code W_down}, and the normed input of the LM head) is rounded to a
 * symmetric int8 or int16 grid with one scale per tensor, fixed by calibration, and saturates outside it.
 *
 * <p>It is simulated as quantize-then-dequantize ({@code x' = clamp(round(x / s)) · s}) in front of the float
 * kernels: the products then equal an integer product rescaled by the scales, up to float rounding of the sum. The
 * residual stream, norms, rotary embedding, softmax and the rank-one side terms stay float.
 *
 * <p>Calibration observes the float activations of real tokens (the largest magnitude per tensor); until a model is
 * calibrated, its first forward pass calibrates on its own input. Scales are replaced as a whole, so readers on
 * other threads see either the old or the new set.
 */
final class ActivationQuantizer {
  /** Quantized tensors per decoder layer, in the order the forward pass meets them. */
  enum Point {
    ATTENTION_INPUT, QUERY, KEY, VALUE, ATTENTION_OUTPUT, MLP_INPUT, DOWN_INPUT
  }

  private static final int PER_LAYER = Point.values().length;

  private final int levels;
  private final int points;
  private volatile float @org.jspecify.annotations.Nullable [] scales;
  /** Largest magnitudes seen while calibrating; null when not calibrating. */
  private float @org.jspecify.annotations.Nullable [] observed;

  /**
   * @param bits 8 or 16
   * @param layers decoder layers of the model
   */
  ActivationQuantizer(int bits, int layers) {
    if (bits != 8 && bits != 16) {
      throw new IllegalArgumentException("activation bits must be 8 or 16, got " + bits);
    }
    this.levels = (1 << (bits - 1)) - 1;
    this.points = layers * PER_LAYER + 1;
  }

  boolean calibrated() {
    return scales != null;
  }

  boolean calibrating() {
    return observed != null;
  }

  /** Starts observing: until {@link #finishCalibration()}, {@link #apply} records magnitudes and leaves values. */
  void startCalibration() {
    observed = new float[points];
  }

  /** Fixes the scales from what was observed since {@link #startCalibration()}. */
  void finishCalibration() {
    float[] seen = observed;
    if (seen == null) {
      throw new IllegalStateException("calibration was not started");
    }
    float[] s = new float[points];
    for (int i = 0; i < points; i++) {
      // A tensor that was all zeros keeps a tiny positive scale (everything rounds to zero, no division by 0).
      s[i] = Math.max(seen[i], Float.MIN_NORMAL) / levels;
    }
    observed = null;
    scales = s;
  }

  /** The scale of a point (for tests and reports); NaN before calibration. */
  float scale(int layer, Point point) {
    float[] s = scales;
    return s == null ? Float.NaN : s[layer * PER_LAYER + point.ordinal()];
  }

  /** The scale of the LM head's input; NaN before calibration. */
  float headScale() {
    float[] s = scales;
    return s == null ? Float.NaN : s[points - 1];
  }

  void apply(int layer, Point point, float[] x, int length) {
    apply(layer * PER_LAYER + point.ordinal(), x, length);
  }

  /** The LM head's input. */
  void applyHead(float[] x, int length) {
    apply(points - 1, x, length);
  }

  private void apply(int index, float[] x, int length) {
    float[] seen = observed;
    if (seen != null) {
      float max = seen[index];
      for (int i = 0; i < length; i++) {
        max = Math.max(max, Math.abs(x[i]));
      }
      seen[index] = max;
      return;
    }
    float[] s = scales;
    if (s == null) {
      throw new IllegalStateException("activation scales are not calibrated");
    }
    float scale = s[index];
    float inv = 1f / scale;
    for (int i = 0; i < length; i++) {
      float q = Math.round(x[i] * inv);
      x[i] = Math.max(-levels, Math.min(levels, q)) * scale;
    }
  }
}
