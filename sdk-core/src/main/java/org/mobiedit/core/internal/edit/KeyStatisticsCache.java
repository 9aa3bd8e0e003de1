package org.mobiedit.core.internal.edit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;

/**
 * The key statistics of an engine's model by layer and seed, sampled on first use and kept (so they reflect the model
 * as it was then). With static activation quantization the keys depend on the edit's calibration, so they are
 * sampled again for every edit (same seed: deterministic).
 */
final class KeyStatisticsCache {
  /** Sample texts and their length behind the statistics (2,048 keys). */
  private static final int SEQUENCES = 32;
  private static final int TOKENS = 64;

  private final BackendModel model;
  private final Tokenizer tokenizer;
  private final Map<List<Long>, KeyStatistics> byLayerAndSeed = new HashMap<>();

  KeyStatisticsCache(BackendModel model, Tokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  KeyStatistics get(int layer, long seed) {
    if (model.precision().quantizesActivations()) {
      return KeyStatistics.sample(model, tokenizer, layer, SEQUENCES, TOKENS, seed);
    }
    synchronized (byLayerAndSeed) {
      return byLayerAndSeed.computeIfAbsent(List.of((long) layer, seed),
          k -> KeyStatistics.sample(model, tokenizer, layer, SEQUENCES, TOKENS, seed));
    }
  }
}
