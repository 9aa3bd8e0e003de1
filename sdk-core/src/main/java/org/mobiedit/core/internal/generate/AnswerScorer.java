package org.mobiedit.core.internal.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.AnswerScore;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.numerics.LogProbabilities;

/**
 * Teacher-forced scoring of answers after prompts, on token ids exactly as the edit engine builds its rows: the prompt
 * as {@link Generator#encodePrompt} encodes it, then the answer's ids; logits are asked for at the answer's positions
 * only.
 */
public final class AnswerScorer {
  /** Rows per forward pass when many answers are scored. */
  public static final int BATCH = 64;

  private final BackendModel model;
  private final Tokenizer tokenizer;

  public AnswerScorer(BackendModel model, Tokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** Scores each answer after its prompt, {@code batch} rows to a forward pass. */
  public List<AnswerScore> score(List<String> prompts, List<int[]> answers, int batch) {
    if (prompts.size() != answers.size()) {
      throw new IllegalArgumentException(prompts.size() + " prompts but " + answers.size() + " answers");
    }
    int contextLength = model.spec().contextLength();
    int[][] rows = new int[prompts.size()][];
    int[][] positions = new int[prompts.size()][];
    for (int i = 0; i < rows.length; i++) {
      int[] answer = answers.get(i);
      if (answer.length == 0) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
            "An answer to score encodes to no tokens; give a non-empty answer.");
      }
      int[] context = Generator.encodePrompt(tokenizer, prompts.get(i), contextLength);
      if ((long) context.length + answer.length - 1 > contextLength) {
        throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
            "A prompt of " + context.length + " tokens and an answer of " + answer.length + " tokens do not fit in"
                + " the model's context of " + contextLength + " tokens; shorten the prompt.");
      }
      rows[i] = Arrays.copyOf(context, context.length + answer.length - 1);
      System.arraycopy(answer, 0, rows[i], context.length, answer.length - 1);
      positions[i] = new int[answer.length];
      for (int j = 0; j < answer.length; j++) {
        positions[i][j] = context.length - 1 + j;
      }
    }
    List<AnswerScore> out = new ArrayList<>(rows.length);
    for (int start = 0; start < rows.length; start += batch) {
      int end = Math.min(rows.length, start + batch);
      float[][][] logits = model.forward(Arrays.copyOfRange(rows, start, end), Arrays.copyOfRange(positions, start, end));
      for (int i = start; i < end; i++) {
        int[] answer = answers.get(i);
        int[] argmax = new int[answer.length];
        double[] logProb = new double[answer.length];
        for (int j = 0; j < answer.length; j++) {
          argmax[j] = Sampler.argmax(logits[i - start][j]);
          logProb[j] = LogProbabilities.logSoftmaxAt(logits[i - start][j], answer[j]);
        }
        out.add(new AnswerScore(answer.clone(), argmax, logProb));
      }
    }
    return out;
  }
}
