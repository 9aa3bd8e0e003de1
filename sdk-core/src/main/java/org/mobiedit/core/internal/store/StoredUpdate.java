package org.mobiedit.core.internal.store;

import org.jspecify.annotations.Nullable;
import org.mobiedit.spi.ModelSpec;

/**
 * One rank-one update of a saved edit: {@code W_down[layer] += left ⊗ right}.
 *
 * @param layer the decoder layer whose {@code W_down} is updated
 * @param left length hiddenSize
 * @param right length intermediateSize
 * @param key the edit's key {@code k̄} at {@code layer} (the mean MLP key of its rewrite rows, length
 *     intermediateSize), which later edits leave unmoved ({@link org.mobiedit.api.EditOptions#isProtectEarlierEdits});
 *     empty when not known (an edit saved by a version that did not record it)
 */
public record StoredUpdate(int layer, float[] left, float[] right, float[] key) {
  public StoredUpdate {
    left = left.clone();
    right = right.clone();
    key = key.clone();
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

  /** Whether the key is known. */
  public boolean hasKey() {
    return key.length > 0;
  }

  /**
   * What makes this update unfit for a model of this shape, or null when it can be applied: see
   * {@link StoredEdit#misfit}; and a key that is neither empty nor a finite vector of the intermediate size.
   */
  public @Nullable String misfitFor(ModelSpec spec) {
    String update = StoredEdit.misfit(layer, left, right, spec);
    if (update != null || key.length == 0) {
      return update;
    }
    if (key.length != spec.intermediateSize()) {
      return "its key has " + key.length + " values; the model's intermediate size is " + spec.intermediateSize();
    }
    return Double.isNaN(StoredEdit.squaredNorm(key)) ? StoredEdit.firstNonFinite(key, "key") : null;
  }
}
