package org.mobiedit.spi;

/**
 * One sequence being decoded incrementally, with its key/value cache. Not thread-safe: use from one thread at a
 * time. Closing releases the cache.
 */
public interface InferenceSequence extends AutoCloseable {

  /** Tokens processed so far (the next token goes at this position). */
  int length();

  /** The capacity given at creation. */
  int capacity();

  /**
   * Appends tokens (a prompt chunk or one generated token), runs them through the model using the cache, and
   * returns the next-token logits after the last appended token.
   *
   * @throws org.mobiedit.api.MobiEditException {@code CONTEXT_OVERFLOW} when {@code length() + tokens.length}
   *     exceeds the capacity, {@code INVALID_REQUEST} for an empty array or an id outside the vocabulary
   */
  float[] append(int[] tokens);

  /** Forgets everything after the first {@code newLength} positions (to rewind and decode again). */
  void truncate(int newLength);

  @Override
  void close();
}
