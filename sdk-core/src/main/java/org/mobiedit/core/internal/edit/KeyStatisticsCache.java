package org.mobiedit.core.internal.edit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.core.internal.store.KeyStatisticsFile;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;

/**
 * The key statistics of an engine's model by layer, seed and number of texts. The sample texts are generated once per
 * seed and number (on first use) and shared by every layer; each layer's statistics are collected over them on first
 * use and kept, so they reflect the model as it was then. With static activation quantization the keys depend on the
 * edit's calibration, so they are captured again for every edit, over the same texts (deterministic, and one forward
 * pass per text instead of a generation).
 *
 * <p>A model with prepared statistics ({@link KeyStatisticsFile}, read on first use) takes its texts from the file for
 * every layer and its statistics for the layers it holds, whatever the options' seed and number of texts, unless
 * {@link EditOptions#isPreparedKeyStatistics()} is off. Under static activation quantization each edit captures the
 * keys of the file's first {@link EditOptions#getKeySampleTexts()} texts again.
 */
final class KeyStatisticsCache {
  /** The length of each sample text ({@link EditOptions#getKeySampleTexts()} texts). */
  static final int TOKENS = 64;

  private final BackendModel model;
  private final Tokenizer tokenizer;
  private final @Nullable Path preparedFile;
  private final KeyStatisticsFile.@Nullable Expected expected;
  private @Nullable KeyStatisticsFile prepared;
  private final Map<List<Long>, List<int[]>> textsBySeed = new HashMap<>();
  private final Map<List<Long>, KeyStatistics> byLayerAndSeed = new HashMap<>();
  private final Map<Integer, KeyStatistics> preparedByLayer = new HashMap<>();

  KeyStatisticsCache(BackendModel model, Tokenizer tokenizer) {
    this(model, tokenizer, null, null);
  }

  /** A cache that uses the prepared statistics in {@code preparedFile}, read on first use, when the file exists. */
  KeyStatisticsCache(BackendModel model, Tokenizer tokenizer, @Nullable Path preparedFile,
      KeyStatisticsFile.@Nullable Expected expected) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.preparedFile = preparedFile;
    this.expected = expected;
  }

  /** The statistics of {@code layer} for the options' seed and number of sample texts (or the prepared ones). */
  KeyStatistics get(int layer, EditOptions options) {
    boolean perEdit = model.precision().quantizesActivations();
    synchronized (byLayerAndSeed) {
      KeyStatisticsFile file = options.isPreparedKeyStatistics() ? prepared() : null;
      if (file != null) {
        KeyStatisticsFile.Layer stored = file.layer(layer);
        if (perEdit) {
          // every edit captures again: over the first texts only, as many as it would sample itself (all 1,024 of
          // the demo world's at three layers made an int8-a8 edit take 90 s instead of 5)
          int texts = Math.min(file.texts().size(), options.getKeySampleTexts());
          return KeyStatistics.over(model, layer, file.texts().subList(0, texts));
        }
        return preparedByLayer.computeIfAbsent(layer, l -> stored != null
            ? KeyStatistics.fromLowerTriangle(l, file.intermediateSize(), stored.keys(), stored.lowerTriangle())
            : KeyStatistics.over(model, l, file.texts()));
      }
      int count = options.getKeySampleTexts();
      long seed = options.getSeed();
      List<int[]> texts = textsBySeed.computeIfAbsent(List.of(seed, (long) count),
          k -> KeyStatistics.sampleTexts(model, tokenizer, count, TOKENS, seed));
      if (perEdit) {
        return KeyStatistics.over(model, layer, texts);
      }
      return byLayerAndSeed.computeIfAbsent(List.of((long) layer, seed, (long) count),
          k -> KeyStatistics.over(model, layer, texts));
    }
  }

  private @Nullable KeyStatisticsFile prepared() {
    if (prepared == null && preparedFile != null && expected != null && Files.exists(preparedFile)) {
      prepared = KeyStatisticsFile.read(preparedFile, expected);
    }
    return prepared;
  }
}
