package org.mobiedit.tools.eval;

import org.mobiedit.api.GenerationOptions;
import org.mobiedit.core.AnswerScore;
import org.mobiedit.core.Model;

/**
 * The probes of a benchmark case as token ids and scores: answers are encoded as they follow a prompt
 * ({@code encodeContinuation(" " + answer)}, as the edit engine builds its rows) and scored by the model's teacher
 * forcing ({@link Model#score}: one forward pass per probe, logits only at the answer's positions).
 */
final class ProbeScorer {
  private final Model model;

  ProbeScorer(Model model) {
    this.model = model;
  }

  /** The answer's token ids as they follow a prompt. */
  int[] answerIds(String answer) {
    return model.tokenizer().encodeContinuation(" " + answer.strip());
  }

  /** Argmax and log-probability at every answer position, the answer fed in as it would have been predicted. */
  AnswerScore score(String prompt, int[] answer) {
    return model.score(prompt, answer);
  }

  /** The log-probability of the whole {@code answer} after {@code prompt}: the sum over its tokens. */
  double logProbability(String prompt, int[] answer) {
    double sum = 0;
    for (double lp : model.score(prompt, answer).logProb()) {
      sum += lp;
    }
    return sum;
  }

  /**
   * The answer a locality probe is scored on: its own where the dataset gives one, else the unedited model's greedy
   * continuation of {@link EditEvaluation#LOCALITY_TOKENS} tokens (any token sequence serves: both sides of the
   * comparison are scored on the same ids). Call it on the unedited model.
   */
  int[] localityAnswer(Probe p) {
    return p.answer() != null ? answerIds(p.answer()) : greedy(p.prompt(), EditEvaluation.LOCALITY_TOKENS);
  }

  /** The greedy continuation of {@code tokens} tokens (the unedited model's own answer, where a dataset has none). */
  int[] greedy(String prompt, int tokens) {
    GenerationOptions greedy = GenerationOptions.builder().maxTokens(tokens).stopAtEos(false).build();
    return model.generate(prompt, greedy).getGeneratedIds();
  }
}
