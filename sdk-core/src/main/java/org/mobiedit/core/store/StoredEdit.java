package org.mobiedit.core.store;

import org.mobiedit.api.EditRequest;

/**
 * One saved edit: what was asked and the rank-one update {@code W_down[layer] += left ⊗ right} that answers it.
 *
 * @param name a name to refer to it by (unique within a patch)
 * @param request the edit request
 * @param layer the decoder layer whose {@code W_down} is updated
 * @param left length hiddenSize
 * @param right length intermediateSize
 */
public record StoredEdit(String name, EditRequest request, int layer, float[] left, float[] right) {
  public StoredEdit {
    left = left.clone();
    right = right.clone();
  }

  @Override
  public float[] left() {
    return left.clone();
  }

  @Override
  public float[] right() {
    return right.clone();
  }
}
