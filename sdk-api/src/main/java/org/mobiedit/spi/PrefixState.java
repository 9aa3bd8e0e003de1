package org.mobiedit.spi;

/**
 * The part of a batch of forward passes that an injection at decoder layer {@code L}, position {@code s} cannot
 * change, computed once: every activation of layers ≤ L, the residual stream entering layer L+1 at positions ≥ s
 * (with the MLP output at s kept apart so a delta can be added to it), and the keys/values of layers L+1..N at
 * positions {@code < s}. Made by {@link BackendModel#buildPrefix}; used by {@link BackendModel#resume}.
 *
 * <p>Not thread-safe: one resume at a time. Closing releases its memory.
 */
public interface PrefixState extends AutoCloseable {
  /** The layer whose MLP output receives the deltas. */
  int layer();

  /** Rows in the batch. */
  int rows();

  @Override
  void close();
}
