package org.mobiedit.core.internal.edit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.function.UnaryOperator;
import org.mobiedit.api.EditOptions;
import org.mobiedit.spi.BackendModel;

/**
 * The vocabulary's words an edit keeps its update off ({@link EditOptions#getNearWords()}, and
 * {@link EditOptions#getSequentialNearWords()} once the editor holds edits): the {@code n} tokens
 * whose keys at the edit layer (each right after the start of text, as {@link KeyStatistics#overVocabulary} reads
 * them) the unprotected direction {@code a = M⁻¹k̄} reaches most, {@code |k_w·a|}, the subject's own key excepted.
 * Those are the subject's neighbours as the model stores them: a city's key holds its country, a product's its
 * maker, so the cities of one country and the products of one maker are each other's nearest words, and an update
 * written at one of them moves the others' answers.
 *
 * <p>They are protected softly, by the metric {@code M' = M + NNᵀ/μ} with {@code μ = }{@value #SOFTNESS} of the mean
 * of {@code diag(NᵀM⁻¹N)}: by Woodbury {@code M'⁻¹v = M⁻¹v − B(G + μI)⁻¹Bᵀv} with {@code B = M⁻¹N},
 * {@code G = NᵀB}, so the direction gives up a little reach of the subject for much less reach of its neighbours,
 * and earlier edits ({@link KeyProtection}) are protected in that metric.
 *
 * <p>A word whose key has cosine above {@link KeyProtection#SAME_SUBJECT} (in the metric) with the subject's mean key
 * or its plain prompt's key is the subject itself (a subject at the start of a prompt has exactly its vocabulary key
 * there) and is passed over. Cost per direction: one two-token pass per vocabulary token (the same tokens as the
 * vocabulary statistics, {@link EditOptions#MAX_VOCABULARY_KEYS} at most, 256 per capture), a solve by {@code M} for
 * each of {@value #CANDIDATES_PER_WORD}·n candidates, and an {@code n × n} Cholesky.
 */
final class NearWords {
  /** The ridge on the near words' Gram matrix, relative to its mean diagonal: how softly they are protected. */
  static final double SOFTNESS = 0.3;
  /** Candidates looked at per word kept, nearest first, to pass over the ones that are the subject. */
  static final int CANDIDATES_PER_WORD = 4;

  /**
   * The fewest vocabulary tokens looked at for which an edit keeps off near words at all. A vocabulary smaller than
   * this is one of subword pieces found in any text, not of subjects: stories260K's 512 tokens with 3 to 16 near
   * words edit 17 or 18 of its 20 requests instead of 19 (bench/RESULTS.md, "Near words"). The demo world's 1,829
   * tokens are whole names. Set from those two models.
   */
  static final int MIN_VOCABULARY = 1024;

  private NearWords() {}

  /**
   * How many near words an edit keeps off: {@link EditOptions#getNearWords()}, or
   * {@link EditOptions#getSequentialNearWords()} when the editor holds other edits; none when fewer than
   * {@value #MIN_VOCABULARY} {@code vocabularyTokens} are looked at.
   */
  static int count(EditOptions options, EarlierEdits earlier, int vocabularyTokens) {
    return vocabularyTokens < MIN_VOCABULARY ? 0 : asked(options, earlier);
  }

  /**
   * The vocabulary tokens an edit on top of {@code earlier} edits looks through for near words: those of the key
   * statistics when the options ask for near words, else none (nothing is read).
   */
  static int[] tokens(EditOptions options, EarlierEdits earlier, KeyStatisticsCache statistics) {
    return asked(options, earlier) > 0 ? statistics.vocabularyTokens(options) : new int[0];
  }

  /** How many near words the options ask for, for an edit made on top of {@code earlier} edits. */
  static int asked(EditOptions options, EarlierEdits earlier) {
    return earlier.isEmpty() ? options.getNearWords() : options.getSequentialNearWords();
  }

  /**
   * The keys of the {@code count} vocabulary words nearest the subject at {@code layer}: those {@code a} reaches most
   * of {@code tokens}, in order, without the subject's own.
   *
   * @param a {@code M⁻¹k̄}, the direction an update would take without them
   * @param meanKey {@code k̄}
   * @param plainKey the plain prompt's key at the subject
   */
  static List<double[]> find(BackendModel model, OptionalInt bos, int[] tokens, int layer, int count, double[] a,
      double[] meanKey, double[] plainKey, UnaryOperator<double[]> inverseMetric) {
    record Candidate(double reach, float[] key) {}
    int most = count * CANDIDATES_PER_WORD;
    PriorityQueue<Candidate> nearest = new PriorityQueue<>(Comparator.comparingDouble(Candidate::reach));
    KeyStatistics.forEachVocabularyKey(model, bos, layer, tokens, (k, i) -> {
      double reach = Math.abs(dot(k, a));
      if (nearest.size() < most) {
        nearest.add(new Candidate(reach, k.clone()));
      } else if (reach > nearest.peek().reach()) {
        nearest.poll();
        nearest.add(new Candidate(reach, k.clone()));
      }
    });
    List<Candidate> ordered = new ArrayList<>(nearest);
    ordered.sort(Comparator.comparingDouble(Candidate::reach).reversed());
    double meanNorm = KeyProtection.dot(meanKey, a);
    double[] plainSolved = inverseMetric.apply(plainKey);
    double plainNorm = KeyProtection.dot(plainKey, plainSolved);
    List<double[]> words = new ArrayList<>();
    for (Candidate c : ordered) {
      if (words.size() == count) {
        break;
      }
      double[] k = KeyDirection.toDouble(c.key());
      double kk = KeyProtection.dot(k, inverseMetric.apply(k));
      double cosine = Math.abs(KeyProtection.dot(k, a)) / Math.sqrt(kk * meanNorm);
      double plainCosine = Math.abs(KeyProtection.dot(k, plainSolved)) / Math.sqrt(kk * plainNorm);
      if (Math.max(cosine, plainCosine) < KeyProtection.SAME_SUBJECT) {
        words.add(k);
      }
    }
    return words;
  }

  /**
   * {@code v ↦ M'⁻¹v} for {@code M' = M + NNᵀ/μ} ({@link NearWords}), given {@code v ↦ M⁻¹v}; {@code inverseMetric}
   * itself when there are no words.
   */
  static UnaryOperator<double[]> keptOff(List<double[]> words, UnaryOperator<double[]> inverseMetric) {
    int n = words.size();
    if (n == 0) {
      return inverseMetric;
    }
    List<double[]> solved = new ArrayList<>();
    for (double[] w : words) {
      solved.add(inverseMetric.apply(w));
    }
    double[] gram = KeyProtection.gram(words, solved);
    double[] factor = Cholesky.factor(gram, n, SOFTNESS * KeyProtection.meanDiagonal(gram, n),
        (i, v) -> Math.max(v, Double.MIN_NORMAL));
    return v -> {
      double[] x = inverseMetric.apply(v);
      double[] projections = new double[n];
      for (int i = 0; i < n; i++) {
        projections[i] = KeyProtection.dot(solved.get(i), v); // (M⁻¹n_i)·v = n_i·M⁻¹v
      }
      double[] y = Cholesky.solve(factor, projections, n);
      for (int i = 0; i < n; i++) {
        double[] b = solved.get(i);
        for (int j = 0; j < x.length; j++) {
          x[j] -= y[i] * b[j];
        }
      }
      return x;
    };
  }

  /** {@code k·a} in double. */
  static double dot(float[] k, double[] a) {
    double s = 0;
    for (int i = 0; i < k.length; i++) {
      s += k[i] * a[i];
    }
    return s;
  }
}
