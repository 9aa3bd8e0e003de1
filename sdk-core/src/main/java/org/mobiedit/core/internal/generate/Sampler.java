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
  private final GenerationOptions options;
  private final SplittableRandom random;

  public Sampler(GenerationOptions options) {
    this.options = options;
    this.random = new SplittableRandom(options.getSeed());
  }

  /** The next token id. NaN logits are an error: they mean the model's weights or activations are broken. */
  public int next(float[] logits) {
    return options.isGreedy() ? argmax(logits) : sample(logits);
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

  private int sample(float[] logits) {
    int n = logits.length;
    float temperature = options.getTemperature();
    Integer[] order = null;
    int keep = n;
    if (options.getTopK() > 0 || options.getTopP() < 1f) {
      order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      // Stable order: by logit descending, then by id.
      Arrays.sort(order, (a, b) -> {
        int c = Float.compare(logits[b], logits[a]);
        return c != 0 ? c : Integer.compare(a, b);
      });
      if (options.getTopK() > 0) {
        keep = Math.min(keep, options.getTopK());
      }
    }
    float max = logits[argmax(logits)];
    double[] weights = new double[keep];
    double total = 0;
    for (int k = 0; k < keep; k++) {
      int id = order == null ? k : order[k];
      double w = Math.exp((logits[id] - max) / temperature);
      weights[k] = w;
      total += w;
    }
    if (order != null && options.getTopP() < 1f) {
      double cumulative = 0;
      int cut = keep;
      for (int k = 0; k < keep; k++) {
        cumulative += weights[k] / total;
        if (cumulative >= options.getTopP()) {
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
    double acc = 0;
    for (int k = 0; k < keep; k++) {
      acc += weights[k];
      if (u < acc) {
        return order == null ? k : order[k];
      }
    }
    return order == null ? keep - 1 : order[keep - 1];
  }

}
