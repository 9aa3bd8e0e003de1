package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.LossRequest;
import org.mobiedit.spi.LossTerms;
import org.mobiedit.spi.MlpCapture;

/**
 * The engine's steps that need a real backend, on stories260K and backend-cpu: the key and direction, the key
 * statistics kept per layer and seed, the prefix cache's exactness, and the rank-one write adding exactly {@code δ}
 * at the subject's key.
 */
class StepsOnStories260KTest {
  private static final int LAYER = 1;

  private static EditBatch batch(LanguageModel lm) {
    return EditBatch.build(lm.tokenizer(), Stories260K.TOM_CAT, List.of("{}", "There was. {}"),
        lm.spec().contextLength());
  }

  @Test
  void theDirectionIsAUnitVectorAlongWhichThePlainKeyIsPositive() {
    try (LanguageModel lm = Stories260K.load()) {
      BackendModel m = lm.backendModel();
      EditBatch batch = batch(lm);
      KeyDirection key = KeyDirection.capture(m, batch, LAYER, EditOptions.defaults(),
          new KeyStatisticsCache(m, lm.tokenizer()));
      assertThat(Math.sqrt(KeyDirection.squaredNorm(key.u()))).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-6));
      MlpCapture plain = m.captureMlp(new int[][] {batch.context(0)}, LAYER, new int[] {batch.lookup[0]});
      // The keys were read in one call with the other template's row; alone, the plain row's are the same.
      assertThat(key.keyDotU()).isPositive().isCloseTo(KeyDirection.dot(plain.keys()[0], key.u()),
          org.assertj.core.data.Percentage.withPercentage(1e-4));
      assertThat(key.t0NormSquared()).isCloseTo(KeyDirection.squaredNorm(plain.outputs()[0]),
          org.assertj.core.data.Percentage.withPercentage(1e-4));
    }
  }

  @Test
  void withTheKeyCovarianceTheDirectionChangesAndStaysAUnitVector() {
    try (LanguageModel lm = Stories260K.load()) {
      BackendModel m = lm.backendModel();
      KeyStatisticsCache statistics = new KeyStatisticsCache(m, lm.tokenizer());
      KeyDirection plain = KeyDirection.capture(m, batch(lm), LAYER, EditOptions.defaults(), statistics);
      KeyDirection covariance = KeyDirection.capture(m, batch(lm), LAYER,
          EditOptions.builder().keyCovariance(true).build(), statistics);
      assertThat(covariance.u()).isNotEqualTo(plain.u());
      assertThat(Math.sqrt(KeyDirection.squaredNorm(covariance.u())))
          .isCloseTo(1, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(covariance.t0NormSquared()).isEqualTo(plain.t0NormSquared());
    }
  }

  @Test
  void keyStatisticsAreSampledOncePerLayerAndSeedWithFloatActivations() {
    try (LanguageModel lm = Stories260K.load()) {
      KeyStatisticsCache cache = new KeyStatisticsCache(lm.backendModel(), lm.tokenizer());
      EditOptions options = EditOptions.recommended();
      KeyStatistics first = cache.get(LAYER, options);
      assertThat(cache.get(LAYER, options)).isSameAs(first);
      assertThat(cache.get(LAYER, options.toBuilder().seed(7).build())).isNotSameAs(first);
      assertThat(cache.get(LAYER + 1, options)).isNotSameAs(first);
      KeyStatistics more = cache.get(LAYER, options.toBuilder().keySampleTexts(64).build());
      assertThat(more).isNotSameAs(first);
      assertThat(more.count()).isEqualTo(2 * first.count());
    }
  }

  @Test
  void withQuantizedActivationsKeyStatisticsAreSampledAgainForEveryEditAndAgree() {
    try (LanguageModel lm = LanguageModel.load(Stories260K.path(), new LoadOptions(Precision.INT8_A8, "cpu", 2))) {
      int[] ids = lm.tokenizer().encodeForModel("Once upon a time, Tom saw a big cat.");
      lm.backendModel().calibrateActivations(new int[][] {ids}); // as an edit does before its statistics
      KeyStatisticsCache cache = new KeyStatisticsCache(lm.backendModel(), lm.tokenizer());
      KeyStatistics first = cache.get(LAYER, EditOptions.recommended());
      KeyStatistics again = cache.get(LAYER, EditOptions.recommended());
      assertThat(again).isNotSameAs(first);
      float[] k = new float[lm.spec().intermediateSize()];
      k[3] = 1;
      assertArrayEquals(first.direction(k, 0.1), again.direction(k, 0.1));
    }
  }

  @Test
  void theCachedUncachedAndUnbatchedForwardsGiveTheSameLossTermsBitForBit() {
    try (LanguageModel lm = Stories260K.load()) {
      BackendModel m = lm.backendModel();
      EditBatch batch = batch(lm);
      int d = lm.spec().hiddenSize();
      ForwardOnlyEstimator est = new ForwardOnlyEstimator(3, 0.05, 5);
      float[] delta = new float[d];
      for (int j = 0; j < d; j++) {
        delta[j] = (float) (0.1 * Math.cos(j));
      }
      float[][] points = est.points(delta, est.directions(0, d));
      EditOptions cached = EditOptions.defaults();
      LossRequest request = EditLoss.forEdit(m, batch, cached, 1).request();
      LossTerms a;
      LossTerms b;
      LossTerms c;
      try (PrefixCachePlan plan = PrefixCachePlan.open(m, batch, LAYER, cached, EditListener.NONE)) {
        assertThat(plan.cached()).isTrue();
        a = plan.terms(points, request);
      }
      try (PrefixCachePlan plan = PrefixCachePlan.open(m, batch, LAYER, cached.toBuilder().prefixCache(false).build(),
          EditListener.NONE)) {
        assertThat(plan.cached()).isFalse();
        b = plan.terms(points, request);
      }
      try (PrefixCachePlan plan = PrefixCachePlan.open(m, batch, LAYER,
          cached.toBuilder().batchPerturbations(false).build(), EditListener.NONE)) {
        c = plan.terms(points, request);
      }
      for (int p = 0; p < points.length; p++) {
        for (LossTerms other : new LossTerms[] {b, c}) {
          assertThat(other.point(p).kl()).as("point %d, KL", p).isEqualTo(a.point(p).kl());
          for (int r = 0; r < batch.rows.length; r++) {
            for (int k = 0; k < batch.labelPositions[r].length; k++) {
              assertThat(other.point(p).labelLogProb(r, k)).as("point %d, row %d, label %d", p, r, k)
                  .isEqualTo(a.point(p).labelLogProb(r, k));
            }
          }
        }
      }
    }
  }

  @Test
  void theWrittenUpdateAddsExactlyDeltaToTheMlpOutputAtThePlainPromptsKey() {
    try (LanguageModel lm = Stories260K.load()) {
      BackendModel m = lm.backendModel();
      EditBatch batch = batch(lm);
      KeyDirection key = KeyDirection.capture(m, batch, LAYER, EditOptions.defaults(),
          new KeyStatisticsCache(m, lm.tokenizer()));
      int[][] plainRow = {batch.context(0)};
      int[] at = {batch.lookup[0]};
      float[] before = m.captureMlp(plainRow, LAYER, at).outputs()[0];
      float[] delta = new float[lm.spec().hiddenSize()];
      for (int j = 0; j < delta.length; j++) {
        delta[j] = (float) (0.3 * Math.sin(j + 1));
      }
      long handle = RankOneUpdate.of(LAYER, delta, key).writeTo(m);
      float[] after = m.captureMlp(plainRow, LAYER, at).outputs()[0];
      for (int j = 0; j < delta.length; j++) {
        assertThat(after[j] - before[j]).as("output %d", j).isCloseTo(delta[j],
            org.assertj.core.data.Offset.offset(1e-4f));
      }
      m.revertRankOne(handle);
      assertArrayEquals(before, m.captureMlp(plainRow, LAYER, at).outputs()[0]);
    }
  }
}
