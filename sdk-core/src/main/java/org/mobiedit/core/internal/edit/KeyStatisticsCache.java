package org.mobiedit.core.internal.edit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.api.EditOptions;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;

/**
 * The key statistics of an engine's model by layer and seed, sampled on first use and kept (so they reflect the model
 * as it was then). With static activation quantization the keys depend on the edit's calibration, so they are
 * sampled again for every edit (same seed: deterministic).
 */
final class KeyStatisticsCache {
  /** The length of each sample text ({@link EditOptions#getKeySampleTexts()} texts per layer). */
  private static final int TOKENS = 64;

  private final BackendModel model;
  private final Tokenizer tokenizer;
  private final Map<List<Long>, KeyStatistics> byLayerAndSeed = new HashMap<>();

  KeyStatisticsCache(BackendModel model, Tokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** The statistics of {@code layer} for the options' seed and number of sample texts. */
  KeyStatistics get(int layer, EditOptions options) {
    int texts = options.getKeySampleTexts();
    long seed = options.getSeed();
    if (model.precision().quantizesActivations()) {
      return KeyStatistics.sample(model, tokenizer, layer, texts, TOKENS, seed);
    }
    synchronized (byLayerAndSeed) {
      return byLayerAndSeed.computeIfAbsent(List.of((long) layer, seed, (long) texts),
          k -> KeyStatistics.sample(model, tokenizer, layer, texts, TOKENS, seed));
    }
  }
}
