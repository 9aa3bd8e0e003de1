package org.mobiedit.core.internal.generate;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;

/**
 * Picks the next token from logits: argmax for greedy decoding, otherwise temperature / top-k / top-p sampling from
 * a seeded generator, so the same options always give the same tokens.
 *
 * <p>Not thread-safe (it owns a random generator); use one per generation.
 */
public final class Sampler {
  /** Up to this many candidates, one pass that keeps the best ones in order beats sorting the vocabulary. */
  private static final int SMALL_K = 64;
  private final GenerationOptions options;
  private final SplittableRandom random;

  public Sampler(GenerationOptions options) {
    this.options = options;
    this.random = new SplittableRandom(options.getSeed());
  }

  /** The next token id. NaN logits are an error: they mean the model's weights or activations are broken. */
  public int next(float[] logits) {
    return options.isGreedy() ? argmax(logits)
        : draw(logits, options.getTopK(), options.getTemperature(), options.getTopP(), random);
  }

  /** Index of the largest logit; ties go to the lowest index. */
  public static int argmax(float[] logits) {
    int best = 0;
    float bestValue = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (Float.isNaN(v)) {
        throw nan(i);
      }
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    return best;
  }

  private static MobiEditException nan(int index) {
    return new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
        "The model produced NaN logits (first at token id " + index + "): its weights contain NaN/Inf values or the"
            + " activations overflowed. Check the model file, or try --precision fp32.");
  }

  /**
   * A seeded draw from the softmax of {@code logits / temperature} over the {@code topK} largest logits (all of them
   * when {@code topK} is 0), cut to the smallest set of most likely tokens whose probability reaches {@code topP}
   * (1: no cut). The one implementation of top-k sampling: generation, and the model's own text behind an edit's
   * context templates and key statistics.
   *
   * <p>Order: by logit descending, then by id. The weights are {@code exp((logit - max) / temperature)} in double;
   * the draw walks the candidates in that order, subtracting each weight from {@code uniform · total}, and a draw
   * that rounding carries past the last candidate takes the most likely token.
   *
   * @throws MobiEditException {@code BACKEND_FAILURE} for NaN logits
   */
  public static int draw(float[] logits, int topK, double temperature, double topP, SplittableRandom random) {
    int best = argmax(logits);
    int[] order = topK > 0 || topP < 1 ? largest(logits, topK > 0 ? Math.min(topK, logits.length) : logits.length)
        : null;
    int keep = order == null ? logits.length : order.length;
    double max = logits[best];
    double[] weights = new double[keep];
    double total = 0;
    for (int k = 0; k < keep; k++) {
      weights[k] = Math.exp((logits[order == null ? k : order[k]] - max) / temperature);
      total += weights[k];
    }
    if (topP < 1) {
      double cumulative = 0;
      int cut = keep;
      for (int k = 0; k < keep; k++) {
        cumulative += weights[k] / total;
        if (cumulative >= topP) {
          cut = k + 1;
          break;
        }
      }
      keep = cut;
      total = 0;
      for (int k = 0; k < keep; k++) {
        total += weights[k];
      }
    }
    double u = random.nextDouble() * total;
    for (int k = 0; k < keep; k++) {
      u -= weights[k];
      if (u < 0) {
        return order == null ? k : order[k];
      }
    }
    return best;
  }

  /** The ids of the {@code k} largest logits (no NaN among them), largest first, ties to the lower id. */
  static int[] largest(float[] logits, int k) {
    if (k > SMALL_K) {
      Integer[] all = new Integer[logits.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      Arrays.sort(all, (a, b) -> logits[a] != logits[b] ? (logits[a] > logits[b] ? -1 : 1) : Integer.compare(a, b));
      int[] out = new int[k];
      for (int i = 0; i < k; i++) {
        out[i] = all[i];
      }
      return out;
    }
    int[] best = new int[k];
    float[] bestValue = new float[k];
    Arrays.fill(bestValue, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (k == 0 || !(v > bestValue[k - 1])) {
        continue;
      }
      for (int j = 0; j < k; j++) {
        if (v > bestValue[j]) {
          System.arraycopy(bestValue, j, bestValue, j + 1, k - j - 1);
          System.arraycopy(best, j, best, j + 1, k - j - 1);
          bestValue[j] = v;
          best[j] = i;
          break;
        }
      }
    }
    return best;
  }
}
