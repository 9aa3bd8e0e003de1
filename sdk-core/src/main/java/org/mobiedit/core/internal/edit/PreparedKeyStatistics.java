package org.mobiedit.core.internal.edit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.internal.store.KeyStatisticsFile;
import org.mobiedit.spi.ModelSpec;

/**
 * Makes a model's prepared key statistics ({@link KeyStatisticsFile}): the sample texts, generated once, and each
 * requested layer's statistics over them and over the vocabulary's tokens, from the model as loaded (unedited).
 * What {@code mobiedit prepare} runs.
 */
public final class PreparedKeyStatistics {
  private PreparedKeyStatistics() {}

  /** Where {@code model}'s prepared statistics are looked for. */
  public static Path location(LanguageModel model) {
    return KeyStatisticsFile.beside(model.files().location());
  }

  /** What a prepared file must agree with to be used for {@code model}. */
  static KeyStatisticsFile.Expected expected(LanguageModel model) {
    ModelSpec spec = model.spec();
    return new KeyStatisticsFile.Expected(model.fingerprint(), spec.intermediateSize(), spec.layers(),
        spec.vocabSize(), spec.contextLength());
  }

  /**
   * Samples {@code texts} texts of 64 tokens with {@code seed} and collects the statistics of {@code layers} over
   * them; {@code progress} hears each text as it is drawn. The model must not quantize its activations (the keys
   * would depend on one calibration).
   */
  public static KeyStatisticsFile prepare(LanguageModel model, List<Integer> layers, int texts, long seed,
      IntConsumer progress) {
    if (model.backendModel().precision().quantizesActivations()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "Key statistics are prepared at a"
          + " precision without activation quantization (fp32, or int8/q4 weights); the model is loaded at "
          + model.precision() + ".");
    }
    if (texts < 1 || texts > KeyStatisticsFile.MAX_TEXTS) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "The number of sample texts must be from 1 to " + KeyStatisticsFile.MAX_TEXTS + ", got " + texts + ".");
    }
    int depth = model.spec().layers();
    for (int l : layers) {
      if (l < 0 || l >= depth) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
            "Layer " + l + " is not one of the model's " + depth + " layers (0 to " + (depth - 1) + ").");
      }
    }
    List<int[]> sampled = KeyStatistics.sampleTexts(model.backendModel(), model.tokenizer(), texts,
        KeyStatisticsCache.TOKENS, seed, progress);
    int[] vocabulary = KeyStatisticsCache.vocabularyTokens(model.backendModel(), model.tokenizer());
    List<KeyStatisticsFile.Layer> out = new ArrayList<>();
    for (int l : new java.util.TreeSet<>(layers)) {
      KeyStatistics s = KeyStatistics.over(model.backendModel(), l, sampled);
      KeyStatistics v = KeyStatistics.overVocabulary(model.backendModel(), KeyStatisticsCache.bos(model.tokenizer()),
          l, vocabulary);
      out.add(new KeyStatisticsFile.Layer(l, s.count(), s.lowerTriangle(), v.lowerTriangle()));
    }
    return new KeyStatisticsFile(model.fingerprint(), model.spec().intermediateSize(), seed, sampled, vocabulary,
        out);
  }
}
