package org.mobiedit.core.internal.edit;

import java.util.List;
import org.mobiedit.api.EditOptions;
import org.mobiedit.spi.BackendModel;

/**
 * The layer of an edit made while the editor holds others ({@link EditOptions#getSequentialLayers()}): of the edit
 * layer and the layers after it, the one where a unit of correction disturbs the sampled keys least
 * ({@link LayerSpread#disturbance}: where the subject's key stands out from the keys the model sees), the later
 * layers counted {@link #LATER_LAYER_FACTOR} times worse because edits there generalize less. An edit whose key
 * hardly stands out at the edit layer needs an update ten to a hundred times the usual size there, and in a sequence
 * each such update leaves the model worse for every edit after it (bench/RESULTS.md, "Choosing each edit's layer").
 */
final class LayerChoice {
  /** How much worse a layer after the edit layer is counted (chosen on the tuning draw, checked on fresh cases). */
  static final double LATER_LAYER_FACTOR = 3;

  private LayerChoice() {}

  /**
   * The key and direction at the chosen layer: {@code atEditLayer} itself when the editor holds no edit or the option
   * is 0, else the least disturbing of the candidates (each captured with the earlier edits' keys at its layer
   * protected).
   */
  static Choice choose(BackendModel model, EditBatch batch, EditOptions options, KeyStatisticsCache statistics,
      EarlierEdits earlier, int editLayer, KeyDirection atEditLayer) {
    int last = Math.min(editLayer + options.getSequentialLayers(), model.spec().layers() - 1);
    Choice best = new Choice(editLayer, atEditLayer, 0);
    if (earlier.isEmpty() || last == editLayer) {
      return best;
    }
    double bestCost = cost(atEditLayer, editLayer, options, statistics, 1);
    long passes = 0;
    for (int layer = editLayer + 1; layer <= last; layer++) {
      KeyDirection at = KeyDirection.capture(model, batch, layer, options, statistics, earlier);
      passes += KeyDirection.capturePasses(batch, options, earlier, statistics);
      double c = cost(at, layer, options, statistics, LATER_LAYER_FACTOR);
      if (c < bestCost) {
        bestCost = c;
        best = new Choice(layer, at, 0);
      }
    }
    return new Choice(best.layer(), best.key(), passes);
  }

  /**
   * The chosen layer.
   *
   * @param layer the layer to edit
   * @param key the key and direction there
   * @param forwardPasses the forward passes the choice ran (key captures at the other layers)
   */
  record Choice(int layer, KeyDirection key, long forwardPasses) {}

  private static double cost(KeyDirection key, int layer, EditOptions options, KeyStatisticsCache statistics,
      double factor) {
    return factor * LayerSpread.disturbance(key, layer, options, statistics);
  }
}
