package org.mobiedit.spi.numerics;

/**
 * Log-probabilities from float logits, computed in double and shifted by the maximum so nothing overflows: the one
 * definition behind the edit loss, the KL term and answer scoring, whichever side (the SDK or a backend) evaluates
 * them. Pure functions.
 */
public final class LogProbabilities {
  private LogProbabilities() {}

  /** {@code log Σ exp(logits[from .. from+len))}. */
  public static double logSumExp(float[] logits, int from, int len) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < from + len; i++) {
      max = Math.max(max, logits[i]);
    }
    double sum = 0;
    for (int i = from; i < from + len; i++) {
      sum += Math.exp(logits[i] - max);
    }
    return max + Math.log(sum);
  }

  /** {@code log softmax(logits)[id]} over the whole array. */
  public static double logSoftmaxAt(float[] logits, int id) {
    return logits[id] - logSumExp(logits, 0, logits.length);
  }

  /** {@code log softmax(logits[from .. from+len))[id]}. */
  public static double logSoftmaxAt(float[] logits, int from, int len, int id) {
    return logits[from + id] - logSumExp(logits, from, len);
  }

  /** {@code log softmax(logits)}. */
  public static double[] logSoftmax(float[] logits) {
    double lse = logSumExp(logits, 0, logits.length);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = logits[i] - lse;
    }
    return out;
  }

  /**
   * {@code KL(p ‖ r) = Σ p_i (log p_i − log r_i)} with {@code p = softmax(logits[from .. from+len))} and
   * {@code log r = referenceLogProbs}.
   */
  public static double kl(float[] logits, int from, int len, double[] referenceLogProbs) {
    double lse = logSumExp(logits, from, len);
    double kl = 0;
    for (int i = 0; i < len; i++) {
      double logP = logits[from + i] - lse;
      kl += Math.exp(logP) * (logP - referenceLogProbs[i]);
    }
    return kl;
  }
}
