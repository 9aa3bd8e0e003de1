package org.mobiedit.core.internal.edit;

import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.LossRequest;
import org.mobiedit.spi.LossTerms;
import org.mobiedit.spi.PrefixState;

/**
 * Where the value search's forward passes start. {@code δ} enters at the edited layer at the subject's last token,
 * so everything before it is the same in every forward of the edit: with {@link EditOptions#isPrefixCache()} it is
 * computed once ({@link BackendModel#buildPrefix}) and every forward resumes from there
 * ({@link BackendModel#resume}); without, every row runs from position 0 ({@link BackendModel#injectForward}). Both
 * give the same logits bit for bit (the SPI requires it), so the choice changes the cost only.
 *
 * <p>Both paths are the one capability {@link org.mobiedit.spi.Capability#RESUME_WITH_INJECTION}: a backend that
 * lacks the cache lacks the path without it too, so there is no fallback, and the engine refuses such a backend
 * before the edit starts ({@link BackendCapabilities}).
 *
 * <p>Holds the prefix state, if any, until closed.
 */
final class PrefixCachePlan implements AutoCloseable {
  private final BackendModel model;
  private final EditBatch batch;
  private final int layer;
  private final boolean batched;
  private final @Nullable PrefixState prefix;

  private PrefixCachePlan(BackendModel model, EditBatch batch, int layer, boolean batched,
      @Nullable PrefixState prefix) {
    this.model = model;
    this.batch = batch;
    this.layer = layer;
    this.batched = batched;
    this.prefix = prefix;
  }

  /**
   * The plan of an edit's options; builds the prefix state now when the cache is on, and reports the time it took
   * ({@link EditListener#onPrefixCacheBuilt}). A listener that throws leaves nothing open.
   */
  static PrefixCachePlan open(BackendModel model, EditBatch batch, int layer, EditOptions options,
      EditListener listener) {
    if (!options.isPrefixCache()) {
      return new PrefixCachePlan(model, batch, layer, options.isBatchPerturbations(), null);
    }
    long start = System.nanoTime();
    PrefixCachePlan plan = new PrefixCachePlan(model, batch, layer, options.isBatchPerturbations(),
        model.buildPrefix(batch.rows, layer, batch.lookup));
    try {
      listener.onPrefixCacheBuilt((System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException | Error e) {
      try {
        plan.close();
      } catch (RuntimeException | Error again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    return plan;
  }

  boolean cached() {
    return prefix != null;
  }

  /** Rows every point runs (the rewrite rows and the essence row). */
  int rows() {
    return batch.rows.length;
  }

  /**
   * The loss terms of every point ({@code request}: the targets' log-probabilities and the essence row's KL term at
   * the batch's label positions), in the order of {@code points}. One backend call for all points, or one call per
   * point without {@link EditOptions#isBatchPerturbations()} (to measure batching).
   */
  LossTerms terms(float[][] points, LossRequest request) {
    if (batched) {
      return run(points, request);
    }
    LossTerms.Point[] out = new LossTerms.Point[points.length];
    for (int p = 0; p < points.length; p++) {
      out[p] = run(new float[][] {points[p]}, request).point(0);
    }
    return new LossTerms(out);
  }

  private LossTerms run(float[][] points, LossRequest request) {
    return prefix != null
        ? model.resumeLoss(prefix, points, batch.labelPositions, request)
        : model.injectForwardLoss(batch.rows, layer, batch.lookup, points, batch.labelPositions, request);
  }

  /** Releases the prefix state, if any. */
  @Override
  public void close() {
    if (prefix != null) {
      prefix.close();
    }
  }
}
