package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.spi.BackendModel;

/** ROME's u = C⁻¹k̄ on stories260K: the solve is right, deterministic, and the edit still succeeds. */
class KeyStatisticsTest {
  private static LanguageModel load() {
    return LanguageModel.load(SharedData.require("models/stories260K/stories260K-f32.gguf"),
        new LoadOptions(Precision.FP32, "cpu", 2));
  }

  @Test
  void theDirectionSolvesTheRegularisedSystemAndIsDeterministic() {
    try (LanguageModel lm = load()) {
      BackendModel m = lm.backendModel();
      int[] row = lm.tokenizer().encodeForModel("Lily went to the park with her mom.");
      float[][] keys = m.captureKeys(row, 1);
      assertThat(keys).hasNumberOfRows(row.length);
      // The keys at each position are the ones captureMlp reads one at a time.
      assertArrayEquals(m.captureMlp(new int[][] {row}, 1, new int[] {3}).keys()[0], keys[3]);

      KeyStatistics s = KeyStatistics.sample(m, lm.tokenizer(), 1, 8, 32, 42);
      assertThat(s.count()).isGreaterThan(8 * 32 - 1);
      float[] k = keys[row.length - 1];
      float[] u = s.direction(k, 0.1);
      float[] again = KeyStatistics.sample(m, lm.tokenizer(), 1, 8, 32, 42).direction(k, 0.1);
      assertArrayEquals(u, again);
      double norm = 0;
      for (float v : u) {
        norm += v * v;
      }
      assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      double ku = 0;
      for (int i = 0; i < k.length; i++) {
        ku += k[i] * u[i];
      }
      assertThat(ku).isPositive();
    }
  }

  @Test
  void theSolveMatchesTheMatrixItInverts() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    int n = 12;
    java.util.List<float[]> keys = new java.util.ArrayList<>();
    for (int s = 0; s < 40; s++) {
      float[] k = new float[n];
      for (int i = 0; i < n; i++) {
        k[i] = (float) (r.nextGaussian() * (1 + i % 3));
      }
      keys.add(k);
    }
    double[][] c = new double[n][n];
    for (float[] k : keys) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          c[i][j] += (double) k[i] * k[j] / keys.size();
        }
      }
    }
    double trace = 0;
    for (int i = 0; i < n; i++) {
      trace += c[i][i];
    }
    float[] target = keys.get(0);
    float[] u = KeyStatistics.fromKeys(0, n, keys).direction(target, 0.1);
    // (C + 0.1·mean(diag)·I) u must be parallel to the key.
    double[] back = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        back[i] += (c[i][j] + (i == j ? 0.1 * trace / n : 0)) * u[j];
      }
    }
    double scale = back[0] / target[0];
    for (int i = 0; i < n; i++) {
      assertThat(back[i]).isCloseTo(scale * target[i], org.assertj.core.data.Offset.offset(1e-5 * Math.abs(scale)));
    }
  }

  @Test
  void theMeanSquaredResponseIsTheMeanOfTheSquaredProducts() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    int n = 9;
    java.util.List<float[]> keys = new java.util.ArrayList<>();
    for (int s = 0; s < 25; s++) {
      float[] k = new float[n];
      for (int i = 0; i < n; i++) {
        k[i] = (float) (r.nextGaussian() + (i == 2 ? 1.5 : 0));
      }
      keys.add(k);
    }
    float[] u = new float[n];
    for (int i = 0; i < n; i++) {
      u[i] = (float) r.nextGaussian();
    }
    double expected = 0;
    for (float[] k : keys) {
      double dot = 0;
      for (int i = 0; i < n; i++) {
        dot += (double) u[i] * k[i];
      }
      expected += dot * dot / keys.size();
    }
    assertThat(KeyStatistics.fromKeys(0, n, keys).meanSquaredResponse(u))
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9 * expected));
  }

  @Test
  void keptSolvesAreTheSolvesAndChangeWithTheRidge() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(4);
    int n = 8;
    java.util.List<float[]> keys = new java.util.ArrayList<>();
    for (int s = 0; s < 30; s++) {
      float[] k = new float[n];
      for (int i = 0; i < n; i++) {
        k[i] = (float) r.nextGaussian();
      }
      keys.add(k);
    }
    KeyStatistics kept = KeyStatistics.fromKeys(0, n, keys);
    double[] v = {1, -2, 0.5, 3, 0, 1, -1, 2};
    double[] first = kept.solve(v.clone(), 0.1);
    first[0] = 1e9; // the caller's copy: changing it must not change what is kept
    double[] again = kept.solve(v.clone(), 0.1);
    double[] fresh = KeyStatistics.fromKeys(0, n, keys).solve(v.clone(), 0.1);
    org.junit.jupiter.api.Assertions.assertArrayEquals(fresh, again);
    double[] otherRidge = kept.solve(v.clone(), 0.5);
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        KeyStatistics.fromKeys(0, n, keys).solve(v.clone(), 0.5), otherRidge);
    assertThat(otherRidge[0]).isNotEqualTo(again[0]);
  }

  @Test
  void everyLayerIsCollectedOverTheSameTextsOnceAndAgainUnderStaticActivationScales() {
    EditOptions options = EditOptions.recommended().toBuilder().keySampleTexts(6).seed(9).vocabularyKeyWeight(0)
        .build();
    for (Precision precision : new Precision[] {Precision.FP32, Precision.INT8_A8}) {
      try (LanguageModel lm = LanguageModel.load(SharedData.require("models/stories260K/stories260K-f32.gguf"),
          new LoadOptions(precision, "cpu", 2))) {
        BackendModel m = lm.backendModel();
        KeyStatisticsCache cache = new KeyStatisticsCache(m, lm.tokenizer());
        java.util.List<int[]> texts = KeyStatistics.sampleTexts(m, lm.tokenizer(), 6, 64, 9);
        assertThat(texts).hasSize(6);
        float[] k = m.captureKeys(lm.tokenizer().encodeForModel("Lily went to the park."), 0)[3];
        for (int layer = 1; layer <= 2; layer++) {
          KeyStatistics got = cache.get(layer, options);
          assertThat(got.layer()).isEqualTo(layer);
          assertArrayEquals(KeyStatistics.over(m, layer, texts).direction(k, 0.01), got.direction(k, 0.01));
          // kept in fp32; captured again (over the same texts) when the keys depend on the edit's calibration
          if (precision == Precision.FP32) {
            assertThat(cache.get(layer, options)).isSameAs(got);
          } else {
            assertThat(cache.get(layer, options)).isNotSameAs(got);
          }
        }
        assertThat(cache.get(1, options.toBuilder().seed(10).build()).direction(k, 0.01))
            .isNotEqualTo(cache.get(1, options).direction(k, 0.01));
        // with the vocabulary's keys: added to the texts' at the weight, kept in fp32, captured again otherwise; the
        // texts' alone stay what the disturbance is measured over
        EditOptions vocabulary = options.toBuilder().vocabularyKeyWeight(0.3).build();
        KeyStatistics mixed = cache.get(1, vocabulary);
        KeyStatistics expected = KeyStatistics.over(m, 1, texts).withVocabulary(KeyStatistics.overVocabulary(m,
            KeyStatisticsCache.bos(lm.tokenizer()), 1, KeyStatisticsCache.vocabularyTokens(m, lm.tokenizer())), 0.3);
        assertArrayEquals(expected.direction(k, 0.01), mixed.direction(k, 0.01));
        assertThat(mixed.direction(k, 0.01)).isNotEqualTo(cache.get(1, options).direction(k, 0.01));
        assertArrayEquals(cache.get(1, options).direction(k, 0.01), cache.texts(1, vocabulary).direction(k, 0.01));
        assertThat(cache.get(1, vocabulary) == mixed).isEqualTo(precision == Precision.FP32);
      }
    }
  }

  @Test
  void preparedStatisticsAreUsedForTheirLayersAndTheirTextsForTheOthers(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) {
    EditOptions options = EditOptions.recommended().toBuilder().keySampleTexts(4).vocabularyKeyWeight(0).build();
    for (Precision precision : new Precision[] {Precision.FP32, Precision.INT8_A8}) {
      try (LanguageModel lm = LanguageModel.load(SharedData.require("models/stories260K/stories260K-f32.gguf"),
          new LoadOptions(precision, "cpu", 2))) {
        BackendModel m = lm.backendModel();
        java.util.List<int[]> texts = KeyStatistics.sampleTexts(m, lm.tokenizer(), 6, 16, 3);
        // stored statistics that are not those of the texts, so that using them shows
        KeyStatistics other = KeyStatistics.over(m, 0, texts);
        java.nio.file.Path file = dir.resolve(precision.getId() + ".bin");
        org.mobiedit.spi.ModelSpec spec = m.spec();
        new org.mobiedit.core.internal.store.KeyStatisticsFile(lm.fingerprint(), spec.intermediateSize(), 3, texts,
            new int[] {5}, java.util.List.of(new org.mobiedit.core.internal.store.KeyStatisticsFile.Layer(1,
                other.count(), other.lowerTriangle(), other.lowerTriangle()))).write(file);
        KeyStatisticsCache cache = new KeyStatisticsCache(m, lm.tokenizer(), file,
            new org.mobiedit.core.internal.store.KeyStatisticsFile.Expected(lm.fingerprint(),
                spec.intermediateSize(), spec.layers(), spec.vocabSize(), spec.contextLength()));
        float[] k = m.captureKeys(lm.tokenizer().encodeForModel("Lily went to the park."), 0)[3];
        if (precision == Precision.FP32) {
          assertArrayEquals(other.direction(k, 0.01), cache.get(1, options).direction(k, 0.01));
          assertArrayEquals(KeyStatistics.over(m, 2, texts).direction(k, 0.01), cache.get(2, options).direction(k,
              0.01));
        } else {
          // captured again at every edit, over the options' number of the file's first texts
          assertArrayEquals(KeyStatistics.over(m, 1, texts.subList(0, 4)).direction(k, 0.01),
              cache.get(1, options).direction(k, 0.01));
        }
        // off: the file is ignored and texts are sampled with the options' seed
        assertArrayEquals(new KeyStatisticsCache(m, lm.tokenizer()).get(1, options).direction(k, 0.01),
            cache.get(1, options.toBuilder().preparedKeyStatistics(false).build()).direction(k, 0.01));
      }
    }
  }

  @Test
  void theVocabularyStatisticsAreTheMomentOfEachTokensKeyRightAfterTheStartOfText() {
    try (LanguageModel lm = load()) {
      BackendModel m = lm.backendModel();
      java.util.OptionalInt bos = KeyStatisticsCache.bos(lm.tokenizer());
      assertThat(bos).isPresent();
      int vocab = m.spec().vocabSize();
      int[] all = KeyStatisticsCache.vocabularyTokens(m, lm.tokenizer());
      assertThat(all).hasSize(vocab - 1).doesNotContain(bos.getAsInt());
      int[] some = KeyStatistics.vocabularyTokens(vocab, bos, 100);
      assertThat(some).hasSize(100).doesNotContain(bos.getAsInt()).isSorted().doesNotHaveDuplicates();
      assertThat(some[0]).isEqualTo(all[0]);
      assertThat(some[99]).isGreaterThan(vocab * 9 / 10);
      // batched captures are the keys of each two-token row on its own
      int[] tokens = java.util.Arrays.copyOf(all, 300);
      java.util.List<float[]> keys = new java.util.ArrayList<>();
      for (int t : tokens) {
        keys.add(m.captureKeys(new int[] {bos.getAsInt(), t}, 1)[1]);
      }
      KeyStatistics direct = KeyStatistics.fromKeys(1, m.spec().intermediateSize(), keys);
      KeyStatistics batched = KeyStatistics.overVocabulary(m, bos, 1, tokens);
      assertThat(batched.count()).isEqualTo(300);
      double[] a = direct.lowerTriangle();
      double[] b = batched.lowerTriangle();
      for (int i = 0; i < a.length; i++) {
        assertThat(b[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(a[i]))));
      }
    }
  }

  @Test
  void theVocabularyCountsAtItsWeightOfTheTextsScale() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    int n = 10;
    java.util.List<float[]> texts = new java.util.ArrayList<>();
    java.util.List<float[]> words = new java.util.ArrayList<>();
    for (int s = 0; s < 30; s++) {
      float[] k = new float[n];
      float[] w = new float[n];
      for (int i = 0; i < n; i++) {
        k[i] = (float) r.nextGaussian();
        w[i] = (float) (3 * r.nextGaussian() + (i == 2 ? 5 : 0));
      }
      texts.add(k);
      words.add(w);
    }
    KeyStatistics c = KeyStatistics.fromKeys(0, n, texts);
    KeyStatistics v = KeyStatistics.fromKeys(0, n, words);
    assertThat(c.withVocabulary(v, 0)).isSameAs(c);
    double traceC = 0;
    double traceV = 0;
    float[] unit = new float[n];
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(unit, 0);
      unit[i] = 1;
      traceC += c.meanSquaredResponse(unit);
      traceV += v.meanSquaredResponse(unit);
    }
    KeyStatistics mixed = c.withVocabulary(v, 0.3);
    assertThat(mixed.count()).isEqualTo(c.count());
    float[] u = new float[n];
    for (int i = 0; i < n; i++) {
      u[i] = (float) r.nextGaussian();
    }
    assertThat(mixed.meanSquaredResponse(u)).isCloseTo(
        c.meanSquaredResponse(u) + 0.3 * traceC / traceV * v.meanSquaredResponse(u),
        org.assertj.core.data.Offset.offset(1e-9 * traceC));
    // statistics of another layer are not mixed in
    KeyStatistics otherLayer = KeyStatistics.fromKeys(1, n, words);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.withVocabulary(otherLayer, 0.3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEditWithTheCovarianceSucceeds() {
    try (LanguageModel lm = load()) {
      EditEngine engine = new EditEngine(lm.backendModel(), lm.tokenizer());
      EditResult r = engine.edit(EditRequest.of("Tom", "{} saw a big", "cat"),
          EditOptions.recommended().toBuilder().keyCovariance(true).build()).result();
      assertThat(r.isSuccess()).isTrue();
    }
  }
}
