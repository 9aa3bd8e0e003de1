package org.mobiedit.core.internal.edit;

import java.util.function.BooleanSupplier;
import org.mobiedit.api.MobiEditException;
import org.jspecify.annotations.Nullable;
import org.mobiedit.core.internal.store.StoredEdit;
import org.mobiedit.core.internal.store.StoredUpdate;
import org.mobiedit.spi.BackendModel;

/**
 * ROME's rank-one write for a correction {@code δ}: with {@code v* = t0 + δ} and the plain prompt's MLP output
 * {@code o_p = t0}, {@code r = (v* − o_p)/(k_p·u) = δ/(k_p·u)} and {@code W_down += r ⊗ u}, so that
 * {@code W_down · k_p} gains exactly {@code δ} (the backend keeps the term in float). {@code r} is computed once per
 * {@code δ}, here, whether the update is tried for an early-stopping check or written for good.
 */
final class RankOneUpdate {
  private final int layer;
  private final float[] left;
  private final float[] right;
  private final float[] delta;
  private final float[] key;

  private RankOneUpdate(int layer, float[] left, float[] right, float[] delta, float[] key) {
    this.layer = layer;
    this.left = left;
    this.right = right;
    this.delta = delta;
    this.key = key;
  }

  /** The update that adds {@code delta} at the subject's key: {@code r = δ/(k_p·u)}, {@code u} as found. */
  static RankOneUpdate of(int layer, float[] delta, KeyDirection key) {
    float[] r = new float[delta.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) (delta[i] / key.keyDotU());
    }
    return new RankOneUpdate(layer, r, key.u(), delta.clone(), key.meanKey());
  }

  /** No change ({@code r = 0}): the result of an edit the model already answered. */
  static RankOneUpdate none(int layer, int hiddenSize, KeyDirection key) {
    return new RankOneUpdate(layer, new float[hiddenSize], key.u(), new float[hiddenSize], key.meanKey());
  }

  int layer() {
    return layer;
  }

  /** {@code δ}, the correction it adds at the subject's key (a copy). */
  float[] delta() {
    return delta.clone();
  }

  /** The mean key {@code k̄} at its layer, which later edits protect (a copy). */
  float[] key() {
    return key.clone();
  }

  /** {@code r} (a copy). */
  float[] left() {
    return left.clone();
  }

  /** {@code u} (a copy). */
  float[] right() {
    return right.clone();
  }

  /** Writes the update for good; returns the backend's handle for {@link BackendModel#revertRankOne}. */
  long writeTo(BackendModel model) {
    return model.applyRankOne(layer, left, right);
  }

  /** What {@link org.mobiedit.core.internal.store.EditPatch} saves of it. */
  StoredUpdate stored() {
    return new StoredUpdate(layer, left, right, key);
  }

  /** The misfit of the update for the model ({@link StoredEdit#misfit}), or null when it can be written. */
  @Nullable String misfit(BackendModel model) {
    return StoredEdit.misfit(layer, left, right, model.spec());
  }

  /**
   * Applies the update, runs {@code check}, and reverts the update before returning or throwing, so the model is
   * unchanged either way. An update that could not be saved and loaded again (not finite, or beyond
   * {@link StoredEdit#MAX_UPDATE_NORM}) aborts the edit instead of reaching the model.
   */
  boolean whileApplied(BackendModel model, BooleanSupplier check) {
    String misfit = misfit(model);
    if (misfit != null) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
          "The edit's rank-one update went out of range (" + misfit + "): the subject's key is almost orthogonal"
              + " to the update direction at layer " + layer + ". The edit was aborted and the model is unchanged;"
              + " try another layer.");
    }
    long handle = model.applyRankOne(layer, left, right);
    Throwable failure = null;
    try {
      return check.getAsBoolean();
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      try {
        model.revertRankOne(handle);
      } catch (RuntimeException | Error e) {
        if (failure == null) {
          throw e;
        }
        failure.addSuppressed(e);
      }
    }
  }
}
