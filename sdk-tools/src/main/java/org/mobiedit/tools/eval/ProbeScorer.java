package org.mobiedit.tools.eval;

import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.edit.EditLoss;
import org.mobiedit.core.internal.generate.Generator;
import org.mobiedit.core.internal.generate.Sampler;
import org.mobiedit.core.TokenListener;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;

/**
 * Teacher-forced scoring of an answer after a prompt, on token ids exactly as the edit engine builds its rows: the
 * prompt through {@code encodeForModel}, the answer through {@code encodeContinuation(" " + answer)}. One forward
 * pass per probe, logits only at the answer's positions.
 */
final class ProbeScorer {
  private final BackendModel model;
  private final Tokenizer tokenizer;

  ProbeScorer(BackendModel model, Tokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** The answer's token ids as they follow a prompt. */
  int[] answerIds(String answer) {
    return tokenizer.encodeContinuation(" " + answer.strip());
  }

  /** Argmax and log-probability at every answer position, the answer fed in as it would have been predicted. */
  Scores score(String prompt, int[] answer) {
    if (answer.length == 0) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "An answer to score encodes to no tokens; give a non-empty answer.");
    }
    int contextLength = model.spec().contextLength();
    int[] context = Generator.encodePrompt(tokenizer, prompt, contextLength);
    if ((long) context.length + answer.length - 1 > contextLength) {
      throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
          "A probe of " + context.length + " prompt tokens and " + answer.length + " answer tokens does not fit in"
              + " the model's context of " + contextLength + " tokens; shorten the probe.");
    }
    int[] row = java.util.Arrays.copyOf(context, context.length + answer.length - 1);
    System.arraycopy(answer, 0, row, context.length, answer.length - 1);
    int[] positions = new int[answer.length];
    for (int j = 0; j < positions.length; j++) {
      positions[j] = context.length - 1 + j;
    }
    float[][] logits = model.forward(new int[][] {row}, new int[][] {positions})[0];
    int[] argmax = new int[answer.length];
    double[] logProb = new double[answer.length];
    for (int j = 0; j < answer.length; j++) {
      argmax[j] = Sampler.argmax(logits[j]);
      logProb[j] = EditLoss.logSoftmaxAt(logits[j], answer[j]);
    }
    return new Scores(answer, argmax, logProb);
  }

  /** The greedy continuation of {@code tokens} tokens (the unedited model's own answer, where a dataset has none). */
  int[] greedy(String prompt, int tokens) {
    GenerationOptions greedy = GenerationOptions.builder().maxTokens(tokens).stopAtEos(false).build();
    return Generator.generate(model, tokenizer,
        Generator.encodePrompt(tokenizer, prompt, model.spec().contextLength()), greedy, TokenListener.NONE)
        .getGeneratedIds();
  }

  /**
   * @param answer the answer's ids
   * @param argmax the model's choice at each answer position
   * @param logProb log p(answer token) at each position
   */
  record Scores(int[] answer, int[] argmax, double[] logProb) {
    /** Share of answer tokens that are the argmax. */
    double tokenAccuracy() {
      int hit = 0;
      for (int j = 0; j < answer.length; j++) {
        hit += argmax[j] == answer[j] ? 1 : 0;
      }
      return (double) hit / answer.length;
    }

    /** Mean negative log-likelihood per answer token. */
    double meanNll() {
      double s = 0;
      for (double l : logProb) {
        s -= l;
      }
      return s / logProb.length;
    }

    /** Share of positions where this and {@code other} (same answer fed in) choose the same token. */
    double agreement(Scores other) {
      int same = 0;
      for (int j = 0; j < argmax.length; j++) {
        same += argmax[j] == other.argmax[j] ? 1 : 0;
      }
      return (double) same / argmax.length;
    }
  }
}
