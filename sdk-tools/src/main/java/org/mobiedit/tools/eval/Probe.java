package org.mobiedit.tools.eval;

import org.jspecify.annotations.Nullable;

/**
 * A prompt a metric asks the model, with the answer the dataset gives for it.
 *
 * @param prompt the text the model continues
 * @param answer the expected continuation; null where the dataset has none (locality then compares with the
 *     unedited model's own greedy continuation)
 */
public record Probe(String prompt, @Nullable String answer) {
  public Probe {
    if (prompt.isBlank()) {
      throw new IllegalArgumentException("a probe prompt is blank");
    }
    if (answer != null && answer.isBlank()) {
      answer = null;
    }
  }
}
