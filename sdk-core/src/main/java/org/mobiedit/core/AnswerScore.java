package org.mobiedit.core;

/**
 * How a model scores an answer after a prompt, position by position ({@link Model#score}).
 *
 * @param answer the answer's token ids, as fed in
 * @param argmax the model's most likely token at each answer position
 * @param logProb the natural log-probability of each answer token at its position
 */
public record AnswerScore(int[] answer, int[] argmax, double[] logProb) {

  /** Share of answer tokens that are the model's top choice. */
  public double tokenAccuracy() {
    int hit = 0;
    for (int j = 0; j < answer.length; j++) {
      hit += argmax[j] == answer[j] ? 1 : 0;
    }
    return (double) hit / answer.length;
  }

  /** Whether every answer token is the model's top choice (greedy decoding would produce the answer). */
  public boolean isGreedyAnswer() {
    for (int j = 0; j < answer.length; j++) {
      if (argmax[j] != answer[j]) {
        return false;
      }
    }
    return true;
  }

  /** Mean negative log-likelihood per answer token. */
  public double meanNll() {
    double s = 0;
    for (double l : logProb) {
      s -= l;
    }
    return s / logProb.length;
  }

  /** Share of positions where this and {@code other} (the same answer fed in) choose the same token. */
  public double agreement(AnswerScore other) {
    int same = 0;
    for (int j = 0; j < argmax.length; j++) {
      same += argmax[j] == other.argmax[j] ? 1 : 0;
    }
    return (double) same / argmax.length;
  }
}
