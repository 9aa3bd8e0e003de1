package org.mobiedit.core.internal.edit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.mobiedit.api.EditOptions;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.MlpCapture;

/**
 * The key and the direction of an edit. Runs every rewrite row's context (the prompt in each template, no target)
 * and reads, at the edited layer and the subject's last token, the MLP key {@code k} (the input of {@code W_down})
 * and output; averages the keys into {@code k̄} and takes the update direction {@code u = k̄/|k̄|} (the paper's
 * {@code C = I}) or, with {@link EditOptions#isKeyCovariance()}, {@code u = C⁻¹k̄} normalised ({@link KeyStatistics}).
 *
 * @param u the update direction (unit, intermediate size): the right vector of the rank-one update
 * @param meanKey {@code k̄} in float: stored with the update (later edits read the keys they protect afresh,
 *     {@link EarlierEdits})
 * @param keyDotU {@code k_p·u}, for the plain prompt's key {@code k_p}: the divisor of {@code r = δ/(k_p·u)}
 * @param t0NormSquared {@code |t0|²}, for the plain prompt's unedited MLP output {@code t0}: the scale of the loss's
 *     weight decay, of the clamp and of a relative epsilon
 * @param sameSubject the earlier edits (indexes into {@link EarlierEdits}) whose subject key here is this edit's own
 *     ({@link KeyProtection#SAME_SUBJECT}): not protected, since no direction reaches one and not the other, so their
 *     facts are kept by the search instead ({@link EditBatch#withKeptFacts})
 */
record KeyDirection(float[] u, float[] meanKey, double keyDotU, double t0NormSquared, int[] sameSubject) {

  /** A key and direction with no earlier edit of the same subject. */
  KeyDirection(float[] u, float[] meanKey, double keyDotU, double t0NormSquared) {
    this(u, meanKey, keyDotU, t0NormSquared, new int[0]);
  }

  /** Captures the keys of the batch's rewrite rows at {@code layer} and finds the direction, with no earlier edit. */
  static KeyDirection capture(BackendModel model, EditBatch batch, int layer, EditOptions options,
      KeyStatisticsCache statistics) {
    return capture(model, batch, layer, options, statistics, EarlierEdits.NONE);
  }

  /**
   * Captures the keys of the batch's rewrite rows at {@code layer} (one batched call) and finds the direction, keeping
   * the subject keys of {@code earlier} edits at {@code layer}, as the model has them now, unmoved when the options
   * protect earlier edits.
   */
  static KeyDirection capture(BackendModel model, EditBatch batch, int layer, EditOptions options,
      KeyStatisticsCache statistics, EarlierEdits earlier) {
    boolean protecting = options.isProtectEarlierEdits() && !earlier.isEmpty();
    List<float[]> protect = protecting ? List.of(earlier.keysAt(model, layer)) : List.of();
    int rewrite = batch.rewriteRows();
    int[][] contexts = new int[rewrite][];
    int[] lookups = new int[rewrite];
    for (int r = 0; r < rewrite; r++) {
      contexts[r] = batch.context(r);
      lookups[r] = batch.lookup[r];
    }
    MlpCapture capture = model.captureMlp(contexts, layer, lookups);
    double[] mean = meanKey(capture.keys());
    float[] meanKey = toFloat(mean);
    KeyStatistics keys = options.isKeyCovariance() ? statistics.get(layer, options) : null;
    double ridge = options.getCovarianceRidge();
    UnaryOperator<double[]> inverse = keys == null ? UnaryOperator.identity() : v -> keys.solve(v, ridge);
    double[] target = keys == null ? mean : toDouble(meanKey);
    double[] plainKey = toDouble(capture.keys()[0]);
    int[] vocabulary = NearWords.tokens(options, earlier, statistics);
    int nearWords = NearWords.count(options, earlier, vocabulary.length);
    if (nearWords > 0) {
      List<double[]> words = NearWords.find(model, statistics.bos(), vocabulary, layer, nearWords,
          inverse.apply(target), target, plainKey, inverse);
      inverse = NearWords.keptOff(words, inverse);
    }
    float[] u;
    List<Integer> same = new ArrayList<>();
    if (protecting || nearWords > 0) {
      u = KeyProtection.direction(target, plainKey, protect, inverse, same::add, KeyProtection.EARLIER_EDITS);
    } else {
      u = keys != null ? keys.direction(meanKey, ridge) : KeyStatistics.unit(mean);
    }
    return new KeyDirection(u, meanKey, dot(capture.keys()[0], u), squaredNorm(capture.outputs()[0]),
        same.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * The forward passes of one {@link #capture}: the rewrite rows, the earlier edits' prompts when protecting, and the
   * vocabulary's tokens when looking for the subject's near words.
   */
  static long capturePasses(EditBatch batch, EditOptions options, EarlierEdits earlier,
      KeyStatisticsCache statistics) {
    int vocabulary = NearWords.tokens(options, earlier, statistics).length;
    return batch.rewriteRows() + (options.isProtectEarlierEdits() ? (long) earlier.size() : 0)
        + (NearWords.count(options, earlier, vocabulary) > 0 ? (long) vocabulary : 0);
  }

  /** {@code k̄}, accumulated in double (each key divided by the count as it is added). */
  static double[] meanKey(float[][] keys) {
    double[] mean = new double[keys[0].length];
    for (float[] k : keys) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += k[j] / (double) keys.length;
      }
    }
    return mean;
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int j = 0; j < a.length; j++) {
      sum += (double) a[j] * b[j];
    }
    return sum;
  }

  static double squaredNorm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return sum;
  }

  /** {@code v} in double. */
  static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int j = 0; j < v.length; j++) {
      out[j] = v[j];
    }
    return out;
  }

  private static float[] toFloat(double[] v) {
    float[] out = new float[v.length];
    for (int j = 0; j < v.length; j++) {
      out[j] = (float) v[j];
    }
    return out;
  }
}
