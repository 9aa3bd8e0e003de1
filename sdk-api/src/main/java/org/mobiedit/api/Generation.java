package org.mobiedit.api;

import java.util.Arrays;

/**
 * The result of continuing a prompt. Immutable.
 */
public final class Generation {
  /** Why generation stopped. */
  public enum StopReason {
    /** The model emitted an end-of-sequence token (not included in {@link #getGeneratedIds()}). */
    END_OF_SEQUENCE,
    /** The requested number of tokens was produced. */
    MAX_TOKENS,
    /** The model's context is full. */
    CONTEXT_FULL,
    /** The caller stopped it ({@link TextListener#onText} returned false, for example on a cancelled request). */
    STOPPED
  }

  private final int[] promptIds;
  private final int[] generatedIds;
  private final String text;
  private final StopReason stopReason;
  private final long prefillNanos;
  private final long decodeNanos;

  public Generation(
      int[] promptIds, int[] generatedIds, String text, StopReason stopReason, long prefillNanos, long decodeNanos) {
    this.promptIds = promptIds.clone();
    this.generatedIds = generatedIds.clone();
    this.text = text;
    this.stopReason = stopReason;
    this.prefillNanos = prefillNanos;
    this.decodeNanos = decodeNanos;
  }

  /** The prompt's token ids as fed to the model (with BOS where the model wants one). */
  public int[] getPromptIds() {
    return promptIds.clone();
  }

  /** The generated token ids, without a final end-of-sequence token. */
  public int[] getGeneratedIds() {
    return generatedIds.clone();
  }

  /** Prompt ids followed by generated ids. */
  public int[] getAllIds() {
    int[] all = Arrays.copyOf(promptIds, promptIds.length + generatedIds.length);
    System.arraycopy(generatedIds, 0, all, promptIds.length, generatedIds.length);
    return all;
  }

  /** The decoded generated text (the prompt not included). */
  public String getText() {
    return text;
  }

  public StopReason getStopReason() {
    return stopReason;
  }

  /** Time spent processing the prompt. */
  public long getPrefillNanos() {
    return prefillNanos;
  }

  /** Time spent producing the generated tokens after the first. */
  public long getDecodeNanos() {
    return decodeNanos;
  }

  /** A one-line summary for logs. */
  @Override
  public String toString() {
    return "Generation{" + generatedIds.length + " tokens, " + stopReason + ", \"" + text + "\"}";
  }

  /** Prompt tokens per second of prefill. */
  public double getPrefillTokensPerSecond() {
    return prefillNanos == 0 ? 0 : promptIds.length * 1e9 / prefillNanos;
  }

  /**
   * Generated tokens per second of decoding (each generated token after the first costs one forward step; the first
   * comes from the prefill's logits).
   */
  public double getDecodeTokensPerSecond() {
    int steps = Math.max(0, generatedIds.length - 1 + (stopReason == StopReason.END_OF_SEQUENCE ? 1 : 0));
    return decodeNanos == 0 ? 0 : steps * 1e9 / decodeNanos;
  }
}
