package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;
import org.mobiedit.core.internal.store.StoredEdit;

/** The metric that keeps an update off the near words, against the matrix it stands for, solved densely. */
class NearWordsTest {
  private static final int D = 20;
  private final SplittableRandom random = new SplittableRandom(9);

  private double[] randomVector() {
    double[] v = new double[D];
    for (int i = 0; i < D; i++) {
      v[i] = random.nextDouble() * 2 - 1;
    }
    return v;
  }

  /** M = diag(1..D). */
  private static final UnaryOperator<double[]> DIAGONAL = v -> {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / (i + 1);
    }
    return out;
  };

  @Test
  void anEditorsFirstEditTakesNearWordsAndLaterOnesSequentialNearWords() {
    EditOptions options = EditOptions.builder().nearWords(16).sequentialNearWords(3).build();
    EarlierEdits one = EarlierEdits.of(HandMadeEdit.tokenizer(),
        List.of(new StoredEdit("first", HandMadeEdit.REQUEST, 0, new float[] {1}, new float[] {1})), 64);
    assertThat(NearWords.count(options, EarlierEdits.NONE, 8192)).isEqualTo(16);
    assertThat(NearWords.count(options, one, 8192)).isEqualTo(3);
    assertThat(NearWords.count(EditOptions.recommended(), one, 8192)).isZero();
    assertThat(NearWords.count(EditOptions.recommended(), EarlierEdits.NONE, 8192)).isEqualTo(16);
    assertThat(NearWords.count(EditOptions.paper(), EarlierEdits.NONE, 8192)).isZero();
  }

  @Test
  void aVocabularyOfSubwordPiecesHasNoNearWords() {
    EditOptions options = EditOptions.recommended();
    assertThat(NearWords.count(options, EarlierEdits.NONE, 511)).isZero();
    assertThat(NearWords.count(options, EarlierEdits.NONE, NearWords.MIN_VOCABULARY - 1)).isZero();
    assertThat(NearWords.count(options, EarlierEdits.NONE, NearWords.MIN_VOCABULARY)).isEqualTo(16);
    assertThat(NearWords.count(options, EarlierEdits.NONE, 1829)).isEqualTo(16);
  }

  @Test
  void withoutWordsItIsTheMetricItself() {
    assertThat(NearWords.keptOff(List.of(), DIAGONAL)).isSameAs(DIAGONAL);
  }

  @Test
  void itSolvesByTheMetricPlusEachWordsOuterProductOverTheSoftness() {
    List<double[]> words = new ArrayList<>();
    for (int w = 0; w < 5; w++) {
      words.add(randomVector());
    }
    // μ = SOFTNESS · mean of nᵢᵀM⁻¹nᵢ
    double trace = 0;
    for (double[] w : words) {
      trace += KeyProtection.dot(w, DIAGONAL.apply(w));
    }
    double mu = NearWords.SOFTNESS * trace / words.size();
    double[] dense = new double[D * D];
    for (int i = 0; i < D; i++) {
      dense[i * D + i] = i + 1;
      for (int j = 0; j < D; j++) {
        for (double[] w : words) {
          dense[i * D + j] += w[i] * w[j] / mu;
        }
      }
    }
    double[] v = randomVector();
    double[] expected = Cholesky.solve(Cholesky.factor(dense, D, 0, (i, x) -> x), v, D);
    double[] actual = NearWords.keptOff(words, DIAGONAL).apply(v);
    for (int i = 0; i < D; i++) {
      assertThat(actual[i]).as("component %d", i).isCloseTo(expected[i], offset(1e-10));
    }
  }

  @Test
  void aDirectionInThatMetricReachesTheWordsLessThanWithout() {
    List<double[]> words = List.of(randomVector(), randomVector(), randomVector());
    double[] subject = randomVector();
    double[] free = DIAGONAL.apply(subject);
    double[] kept = NearWords.keptOff(words, DIAGONAL).apply(subject);
    double before = 0;
    double after = 0;
    for (double[] w : words) {
      before += Math.pow(KeyProtection.dot(free, w) / KeyProtection.dot(free, subject), 2);
      after += Math.pow(KeyProtection.dot(kept, w) / KeyProtection.dot(kept, subject), 2);
    }
    assertThat(after).as("squared reach of the words per unit reach of the subject").isLessThan(0.5 * before);
  }
}
