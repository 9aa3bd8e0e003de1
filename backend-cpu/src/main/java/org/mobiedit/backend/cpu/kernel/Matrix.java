package org.mobiedit.backend.cpu.kernel;

/**
 * A weight matrix {@code [rows, cols]} (a linear layer's {@code [out, in]}) in the backend's storage format.
 * Implementations are immutable and safe for concurrent use.
 */
public interface Matrix {
  int rows();

  int cols();

  /**
   * {@code y[t*ldy + r] = dot(row r, x[t*cols ..])} for tokens {@code t < n} and rows {@code r} in
   * {@code [rowFrom, rowTo)}. Each row is loaded once for all tokens (the prefill win).
   */
  void multiply(float[] x, int n, float[] y, int ldy, int rowFrom, int rowTo);

  /** Row {@code r} as floats (embedding lookup). */
  void row(int r, float[] dst, int offset);

  /** Bytes held. */
  long bytes();
}
