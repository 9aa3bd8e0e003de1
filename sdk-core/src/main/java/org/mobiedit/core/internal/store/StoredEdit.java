package org.mobiedit.core.internal.store;

import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditRequest;
import org.mobiedit.spi.ModelSpec;

/**
 * One saved edit: what was asked and the rank-one update {@code W_down[layer] += left ⊗ right} that answers it.
 *
 * @param name a name to refer to it by (unique within a patch)
 * @param request the edit request
 * @param layer the decoder layer whose {@code W_down} is updated
 * @param left length hiddenSize
 * @param right length intermediateSize
 * @param key the edit's key {@code k̄} (the mean MLP key of its rewrite rows at {@code layer}, length
 *     intermediateSize), which later edits leave unmoved ({@link org.mobiedit.api.EditOptions#isProtectEarlierEdits});
 *     empty when not known (an edit saved by a version that did not record it)
 */
public record StoredEdit(String name, EditRequest request, int layer, float[] left, float[] right, float[] key) {
  /**
   * The largest {@code |left|₂ · |right|₂} (the spectral norm of the update {@code left ⊗ right}) an edit may have.
   * The update adds {@code left · (right · k)} to the MLP output, so at most this norm times {@code |k|₂}.
   *
   * <p>Real edits are far smaller. Measured on 29 edits of stories260K, the demo model and qwen2-tiny-random (fp32;
   * the paper's and the recommended settings, with and without ROME's covariance direction, and with a clamp factor
   * of 100 and a learning rate of 5 to force large updates): {@code |right|₂} is 1 (the direction is a unit vector)
   * and {@code |left|₂} was between 1.0 and 11.6. The search clamps {@code |δ|} to a few times the hidden state's norm
   * {@code |t₀|}, and {@code left = δ / (k·u)}, so larger models give larger but comparable updates (their hidden
   * states have norms of about 10²-10⁴). 10⁶ leaves five orders of magnitude of headroom above what was measured.
   *
   * <p>And it cannot overflow float32: with MLP keys of norm up to 10⁶ (real models stay below 10⁴), the added output
   * is at most 10¹² per value; the RMS norm that follows squares and sums it over the hidden size,
   * 10²⁴ · 10⁵ = 10²⁹, far below float's 3.4·10³⁸. A finite update of 3.4·10³⁸, which a damaged or hostile patch
   * file can hold, overflows that sum to infinity and makes every later forward pass NaN.
   */
  public static final double MAX_UPDATE_NORM = 1e6;

  public StoredEdit {
    left = left.clone();
    right = right.clone();
    key = key.clone();
  }

  /** An edit whose key is not known: later edits cannot protect it. */
  public StoredEdit(String name, EditRequest request, int layer, float[] left, float[] right) {
    this(name, request, layer, left, right, new float[0]);
  }

  @Override
  public float[] left() {
    return left.clone();
  }

  @Override
  public float[] right() {
    return right.clone();
  }

  @Override
  public float[] key() {
    return key.clone();
  }

  /** Whether the edit's key is known. */
  public boolean hasKey() {
    return key.length > 0;
  }

  /**
   * What makes this edit unfit for a model of this shape, or null when it can be applied: see {@link #misfit}; and a
   * key that is neither empty nor a finite vector of the intermediate size.
   */
  public @Nullable String misfitFor(ModelSpec spec) {
    String update = misfit(layer, left, right, spec);
    if (update != null || key.length == 0) {
      return update;
    }
    if (key.length != spec.intermediateSize()) {
      return "its key has " + key.length + " values; the model's intermediate size is " + spec.intermediateSize();
    }
    return Double.isNaN(squaredNorm(key)) ? firstNonFinite(key, "key") : null;
  }

  /**
   * What makes the update {@code left ⊗ right} at {@code layer} unfit for a model of this shape, or null when it can
   * be applied: a layer outside the model, vectors of the wrong length, a NaN or infinite value, or a norm above
   * {@link #MAX_UPDATE_NORM}. The same rule holds for an edit being made and a saved one being loaded, so every edit
   * an editor records can be saved and loaded again.
   */
  public static @Nullable String misfit(int layer, float[] left, float[] right, ModelSpec spec) {
    if (layer < 0 || layer >= spec.layers()) {
      return "layer " + layer + " does not exist (the model has layers 0.." + (spec.layers() - 1) + ")";
    }
    if (left.length != spec.hiddenSize()) {
      return "its left vector has " + left.length + " values; the model's hidden size is " + spec.hiddenSize();
    }
    if (right.length != spec.intermediateSize()) {
      return "its right vector has " + right.length + " values; the model's intermediate size is "
          + spec.intermediateSize();
    }
    double leftNorm2 = squaredNorm(left);
    double rightNorm2 = squaredNorm(right);
    if (Double.isNaN(leftNorm2)) {
      return firstNonFinite(left, "left");
    }
    if (Double.isNaN(rightNorm2)) {
      return firstNonFinite(right, "right");
    }
    double norm = Math.sqrt(leftNorm2) * Math.sqrt(rightNorm2); // in double: float squares of 3e38 would overflow
    if (!(norm <= MAX_UPDATE_NORM)) {
      return "its norm |left|·|right| is " + String.format(java.util.Locale.ROOT, "%.3g", norm)
          + ", above the limit of " + String.format(java.util.Locale.ROOT, "%.0e", MAX_UPDATE_NORM)
          + " that keeps the model's activations finite";
    }
    return null;
  }

  /** The sum of squares in double, or NaN when a value is NaN or infinite. */
  private static double squaredNorm(float[] v) {
    double s = 0;
    for (float f : v) {
      if (!Float.isFinite(f)) {
        return Double.NaN;
      }
      s += (double) f * f;
    }
    return s;
  }

  private static String firstNonFinite(float[] v, String what) {
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        return what + "[" + i + "] is " + v[i];
      }
    }
    throw new IllegalStateException("no non-finite value in " + what);
  }
}
