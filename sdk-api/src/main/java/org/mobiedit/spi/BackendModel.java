package org.mobiedit.spi;

import org.mobiedit.api.Precision;

/**
 * A model loaded on a backend, ready to run forward passes.
 *
 * <p>Thread safety: {@link #forward} may be called concurrently from several threads; each
 * {@link InferenceSequence} is confined to one thread at a time. {@link #close()} is idempotent; using the model or
 * its sequences afterwards throws {@link IllegalStateException}.
 */
public interface BackendModel extends AutoCloseable {

  ModelSpec spec();

  Precision precision();

  /** What this model holds in memory. */
  MemoryUsage memory();

  /**
   * Runs a batch of independent token rows from position 0 (no padding enters the math: each row attends only to
   * its own tokens) and returns logits only where asked.
   *
   * @param rows token ids per row; every id in {@code [0, vocabSize)}, every row non-empty and no longer than the
   *     context
   * @param logitPositions per row, the positions (indexes into that row) whose next-token logits are wanted
   * @return {@code result[row][k]} = the {@code vocabSize} logits at {@code logitPositions[row][k]}
   */
  float[][][] forward(int[][] rows, int[][] logitPositions);

  /**
   * Starts an incremental sequence with a key/value cache of {@code capacity} positions (at most the context
   * length), for generation.
   */
  InferenceSequence newSequence(int capacity);

  @Override
  void close();
}
