package org.mobiedit.core.internal.store;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditRequest;
import org.mobiedit.spi.ModelSpec;

/**
 * One saved edit: what was asked and the rank-one updates that answer it, {@code W_down[layer] += left ⊗ right} each
 * (one, or one per layer when the edit was spread over several: {@link org.mobiedit.api.EditOptions#getSpreadLayers}).
 * They are applied in order and undone together.
 *
 * @param name a name to refer to it by (unique within a patch)
 * @param request the edit request
 * @param updates its rank-one updates, the edit layer's first; at least one
 */
public record StoredEdit(String name, EditRequest request, List<StoredUpdate> updates) {
  /**
   * The largest {@code |left|₂ · |right|₂} (the spectral norm of the update {@code left ⊗ right}) an update may have.
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
  /** The most updates one edit holds (one per layer it is spread over). */
  public static final int MAX_UPDATES = org.mobiedit.api.EditOptions.MAX_SPREAD_LAYERS + 1;

  public StoredEdit {
    updates = List.copyOf(updates);
    if (updates.isEmpty() || updates.size() > MAX_UPDATES) {
      throw new IllegalArgumentException("an edit holds 1 to " + MAX_UPDATES + " updates, not " + updates.size());
    }
  }

  /** An edit of one rank-one update whose key is known. */
  public StoredEdit(String name, EditRequest request, int layer, float[] left, float[] right, float[] key) {
    this(name, request, List.of(new StoredUpdate(layer, left, right, key)));
  }

  /** An edit of one rank-one update whose key is not known: later edits cannot protect it. */
  public StoredEdit(String name, EditRequest request, int layer, float[] left, float[] right) {
    this(name, request, layer, left, right, new float[0]);
  }

  /** The edit layer's update (the first). */
  public StoredUpdate first() {
    return updates.get(0);
  }

  /** The edit layer: the first update's. */
  public int layer() {
    return first().layer();
  }

  /** The edit layer's left vector (a copy). */
  public float[] left() {
    return first().left();
  }

  /** The edit layer's right vector (a copy). */
  public float[] right() {
    return first().right();
  }

  /** The edit layer's key (a copy; empty when not known). */
  public float[] key() {
    return first().key();
  }

  /** Whether the keys of the edit's updates are known. */
  public boolean hasKey() {
    return first().hasKey();
  }

  /**
   * What makes this edit unfit for a model of this shape, or null when it can be applied: the first of its updates
   * that does not fit ({@link StoredUpdate#misfitFor}), named by its layer when the edit has several.
   */
  public @Nullable String misfitFor(ModelSpec spec) {
    for (StoredUpdate u : updates) {
      String why = u.misfitFor(spec);
      if (why != null) {
        return updates.size() == 1 ? why : "its update at layer " + u.layer() + ": " + why;
      }
    }
    return null;
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
  static double squaredNorm(float[] v) {
    double s = 0;
    for (float f : v) {
      if (!Float.isFinite(f)) {
        return Double.NaN;
      }
      s += (double) f * f;
    }
    return s;
  }

  static String firstNonFinite(float[] v, String what) {
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        return what + "[" + i + "] is " + v[i];
      }
    }
    throw new IllegalStateException("no non-finite value in " + what);
  }
}
