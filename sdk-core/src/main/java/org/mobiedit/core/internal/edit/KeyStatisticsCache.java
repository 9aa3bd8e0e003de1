package org.mobiedit.core.internal.edit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
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
 *
 * <p>With {@link EditOptions#getVocabularyKeyWeight()} above 0 every layer's statistics also count the keys of the
 * vocabulary's tokens, each at the start of a text ({@link KeyStatistics#overVocabulary}): the file's for the layers
 * it holds, else collected on first use and kept (captured again at every edit under static activation quantization,
 * like the texts' keys).
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
  private final Map<List<Object>, KeyStatistics> byLayerAndSeed = new HashMap<>();
  private final Map<Integer, KeyStatistics> vocabularyByLayer = new HashMap<>();

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

  /**
   * The statistics of {@code layer} for the options' seed and number of sample texts (or the prepared ones), with the
   * vocabulary's keys added at the options' weight ({@link EditOptions#getVocabularyKeyWeight()}).
   */
  KeyStatistics get(int layer, EditOptions options) {
    return get(layer, options, options.getVocabularyKeyWeight());
  }

  /** The statistics of {@code layer} over the sample texts alone, without the vocabulary's keys. */
  KeyStatistics texts(int layer, EditOptions options) {
    return get(layer, options, 0);
  }

  private KeyStatistics get(int layer, EditOptions options, double weight) {
    synchronized (byLayerAndSeed) {
      KeyStatisticsFile file = options.isPreparedKeyStatistics() ? prepared() : null;
      if (model.precision().quantizesActivations()) {
        // every edit captures again, under its own calibration: over the first texts only, as many as it would sample
        // itself (all 1,024 of the demo world's at three layers made an int8-a8 edit take 90 s instead of 5)
        List<int[]> texts = file == null ? sampled(options)
            : file.texts().subList(0, Math.min(file.texts().size(), options.getKeySampleTexts()));
        KeyStatistics s = KeyStatistics.over(model, layer, texts);
        return weight == 0 ? s
            : s.withVocabulary(KeyStatistics.overVocabulary(model, bos(), layer, vocabularyTokens(file)), weight);
      }
      List<Object> key = file != null ? List.of(layer, weight)
          : List.of(layer, weight, options.getSeed(), options.getKeySampleTexts());
      KeyStatistics cached = byLayerAndSeed.get(key);
      if (cached == null) {
        KeyStatistics s = file != null ? fromFile(file, layer) : KeyStatistics.over(model, layer, sampled(options));
        cached = weight == 0 ? s : s.withVocabulary(vocabulary(file, layer), weight);
        byLayerAndSeed.put(key, cached);
      }
      return cached;
    }
  }

  /** The file's statistics of {@code layer}, or those over its texts for a layer it does not hold. */
  private KeyStatistics fromFile(KeyStatisticsFile file, int layer) {
    KeyStatisticsFile.Layer stored = file.layer(layer);
    return stored != null
        ? KeyStatistics.fromLowerTriangle(layer, file.intermediateSize(), stored.keys(), stored.lowerTriangle())
        : KeyStatistics.over(model, layer, file.texts());
  }

  /** The vocabulary statistics of {@code layer}: the file's when it holds the layer, else collected once and kept. */
  private KeyStatistics vocabulary(@Nullable KeyStatisticsFile file, int layer) {
    KeyStatisticsFile.Layer stored = file == null ? null : file.layer(layer);
    if (stored != null) {
      return KeyStatistics.fromLowerTriangle(layer, file.intermediateSize(), file.vocabularyTokens().length,
          stored.vocabularyTriangle());
    }
    return vocabularyByLayer.computeIfAbsent(layer,
        l -> KeyStatistics.overVocabulary(model, bos(), l, vocabularyTokens(file)));
  }

  private List<int[]> sampled(EditOptions options) {
    int count = options.getKeySampleTexts();
    long seed = options.getSeed();
    return textsBySeed.computeIfAbsent(List.of(seed, (long) count),
        k -> KeyStatistics.sampleTexts(model, tokenizer, count, TOKENS, seed));
  }

  /**
   * The tokens whose keys make the vocabulary statistics under {@code options}: the prepared file's, else the model's
   * ({@link #vocabularyTokens(BackendModel, Tokenizer)}).
   */
  int[] vocabularyTokens(EditOptions options) {
    synchronized (byLayerAndSeed) {
      return vocabularyTokens(options.isPreparedKeyStatistics() ? prepared() : null);
    }
  }

  private int[] vocabularyTokens(@Nullable KeyStatisticsFile file) {
    return file != null ? file.vocabularyTokens() : vocabularyTokens(model, tokenizer);
  }

  /** The tokens whose keys make a model's vocabulary statistics. */
  static int[] vocabularyTokens(BackendModel model, Tokenizer tokenizer) {
    return KeyStatistics.vocabularyTokens(model.spec().vocabSize(), bos(tokenizer), EditOptions.MAX_VOCABULARY_KEYS);
  }

  /** What a text of this model starts with before its first token, if anything. */
  OptionalInt bos() {
    return bos(tokenizer);
  }

  /** What a text starts with before its first token, if anything. */
  static OptionalInt bos(Tokenizer tokenizer) {
    return tokenizer.addsBos() ? tokenizer.bosId() : OptionalInt.empty();
  }

  private @Nullable KeyStatisticsFile prepared() {
    if (prepared == null && preparedFile != null && expected != null && Files.exists(preparedFile)) {
      prepared = KeyStatisticsFile.read(preparedFile, expected);
    }
    return prepared;
  }
}
