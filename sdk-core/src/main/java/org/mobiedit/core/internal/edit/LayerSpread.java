package org.mobiedit.core.internal.edit;

import java.util.ArrayList;
import java.util.List;
import org.mobiedit.api.EditOptions;
import org.mobiedit.core.internal.store.StoredEdit;
import org.mobiedit.core.internal.store.StoredUpdate;
import org.mobiedit.spi.BackendModel;

/**
 * The correction of a successful search spread over the edit layer and the {@code n} =
 * {@link EditOptions#getSpreadLayers} layers after it: {@code δ/2} at the edit layer and {@code δ/(2n)} at each later
 * one, each a rank-one update at that layer's own key (captured with the lower layers' shares already written, so that
 * each share lands exactly on the subject's key there) and direction (the earlier edits' keys at that layer protected
 * as at the edit layer). The residual stream adds the shares up, so together they move the subject's hidden state by
 * about {@code δ}, while each layer's matrix changes at most half as much: sequential edits crowd each layer's key
 * space less. The split is kept only when, with every share written, every target token is the argmax in every
 * context template (stricter than the plain prompt's check, which alone let paraphrases slip); otherwise the whole
 * {@code δ} goes to the edit layer. Shares of ½ and the check in every context were chosen on tuning draws against
 * equal thirds and the plain check (bench/RESULTS.md, "Spreading an edit over layers"). The model is as it was when
 * this returns or throws.
 */
final class LayerSpread {
  private LayerSpread() {}

  /**
   * The updates to write for the passing update {@code found}: its share at each layer of the spread when the check
   * passes with them, else {@code found} alone.
   *
   * @param earlier the editor's applied edits, whose keys at each layer of the spread stay unmoved when the options
   *     protect earlier edits
   */
  static Spread of(BackendModel model, EditBatch batch, EditOptions options, KeyStatisticsCache statistics,
      List<StoredEdit> earlier, KeyDirection key, RankOneUpdate found, RewriteCheck rewrite) {
    int last = Math.min(found.layer() + options.getSpreadLayers(), model.spec().layers() - 1);
    int shares = last - found.layer() + 1;
    if (shares == 1) {
      return new Spread(List.of(found), 0);
    }
    float[] half = found.delta();
    float[] share = found.delta();
    for (int j = 0; j < share.length; j++) {
      half[j] *= 0.5f;
      share[j] = (float) (share[j] * 0.5 / (shares - 1));
    }
    List<RankOneUpdate> updates = new ArrayList<>();
    List<Long> handles = new ArrayList<>();
    long passes = 0;
    boolean fits = true;
    boolean passing = false;
    try {
      for (int layer = found.layer(); layer <= last && fits; layer++) {
        KeyDirection at = key;
        if (layer != found.layer()) {
          at = KeyDirection.capture(model, batch, layer, options, statistics, protectedKeys(earlier, layer));
          passes += batch.rewriteRows();
        }
        RankOneUpdate update = RankOneUpdate.of(layer, layer == found.layer() ? half : share, at);
        fits = update.misfit(model) == null;
        if (fits) {
          handles.add(update.writeTo(model));
          updates.add(update);
        }
      }
      if (fits) {
        passing = rewrite.passesInEveryContext();
        passes += batch.rewriteRows();
      }
    } finally {
      RuntimeException failure = null;
      for (int h = handles.size() - 1; h >= 0; h--) {
        try {
          model.revertRankOne(handles.get(h));
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
    return new Spread(passing ? List.copyOf(updates) : List.of(found), passes);
  }

  /**
   * The keys at {@code layer} of the updates of {@code earlier} that are known: what an update written there leaves
   * unmoved.
   */
  static List<float[]> protectedKeys(List<StoredEdit> earlier, int layer) {
    List<float[]> keys = new ArrayList<>();
    for (StoredEdit e : earlier) {
      for (StoredUpdate u : e.updates()) {
        if (u.layer() == layer && u.hasKey()) {
          keys.add(u.key());
        }
      }
    }
    return keys;
  }

  /**
   * What to write.
   *
   * @param updates the updates, the edit layer's first
   * @param forwardPasses the forward passes the attempt ran (key captures and the check)
   */
  record Spread(List<RankOneUpdate> updates, long forwardPasses) {}
}
