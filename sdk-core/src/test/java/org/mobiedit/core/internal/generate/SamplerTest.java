package org.mobiedit.core.internal.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;

/** The one top-k sampler: generation and the edit's own sampled text draw through {@link Sampler#draw}. */
class SamplerTest {
  @Test
  void theCandidatesAreTheLargestLogitsInOrderWithTiesToTheLowerId() {
    float[] logits = {0.5f, 2, -1, 2, 1, 0.5f};
    assertArrayEquals(new int[] {1, 3, 4}, Sampler.largest(logits, 3));
    assertArrayEquals(new int[] {1, 3, 4, 0, 5, 2}, Sampler.largest(logits, 6));
  }

  @Test
  void aLargeKSortsTheVocabularyIntoTheSameOrderAsTheOnePassSelection() {
    float[] logits = new float[500];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) Math.floor(r.nextDouble() * 40); // many ties
    }
    int[] sorted = Sampler.largest(logits, 200); // more than the one-pass limit: the sorting path
    assertArrayEquals(Sampler.largest(logits, 60), java.util.Arrays.copyOf(sorted, 60));
  }

  @Test
  void aDrawWalksTheCandidatesSubtractingTheirWeightsFromAUniformShareOfTheTotal() {
    // Token 1 has weight 1 (the maximum), token 0 weight 1/3: token 1 is drawn when u·(4/3) − 1 < 0.
    float[] logits = {0, (float) Math.log(3)};
    for (long seed = 0; seed < 200; seed++) {
      double u = new SplittableRandom(seed).nextDouble();
      int expected = u * (1 + Math.exp(-(double) (float) Math.log(3))) - 1 < 0 ? 1 : 0;
      assertThat(Sampler.draw(logits, 2, 1, 1, new SplittableRandom(seed))).isEqualTo(expected);
    }
  }

  @Test
  void onlyTheTopKTokensAreEverDrawn() {
    float[] logits = {3, 1, 2.9f, 0, 2.8f, 2.5f};
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 2_000; i++) {
      assertThat(Sampler.draw(logits, 3, 1, 1, random)).isIn(0, 2, 4);
    }
  }

  @Test
  void drawsFollowTheSoftmaxOfTheTopK() {
    float[] logits = {0, (float) Math.log(3), -50};
    SplittableRandom random = new SplittableRandom(5);
    int ones = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      ones += Sampler.draw(logits, 2, 1, 1, random) == 1 ? 1 : 0;
    }
    assertThat(ones / (double) n).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.015));
  }

  @Test
  void topPKeepsTheSmallestSetOfLikelyTokensReachingIt() {
    // Probabilities 0.5, 0.25, 0.25 (ids 2, 0, 1): top-p 0.4 keeps id 2 only.
    float[] logits = {0, 0, (float) Math.log(2)};
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 500; i++) {
      assertThat(Sampler.draw(logits, 0, 1, 0.4, random)).isEqualTo(2);
    }
  }

  @Test
  void theSameSeedGivesTheSameTokens() {
    GenerationOptions sampled = GenerationOptions.builder().temperature(0.8f).topK(4).seed(11).build();
    float[] logits = {1, 0.5f, 0.25f, 2, 1.5f, -1};
    Sampler a = new Sampler(sampled);
    Sampler b = new Sampler(sampled);
    for (int i = 0; i < 50; i++) {
      assertThat(a.next(logits)).isEqualTo(b.next(logits));
    }
  }

  @Test
  void greedyTakesTheArgmax() {
    assertThat(new Sampler(GenerationOptions.greedy(4)).next(new float[] {0, 3, 3, 1})).isEqualTo(1);
  }

  @Test
  void nanLogitsAreABackendFailureNotADraw() {
    assertThatThrownBy(() -> Sampler.draw(new float[] {0, Float.NaN}, 2, 1, 1, new SplittableRandom(1)))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertThat(e.getReason())
            .isEqualTo(MobiEditException.Reason.BACKEND_FAILURE));
  }
}
