package org.mobiedit.spi;

/**
 * A read-only view of one weight tensor, usually backed by a memory-mapped file. Values are delivered as float32,
 * dequantized on the fly, so a backend never needs to know the file's storage type unless it wants a fast path.
 *
 * <p>Shapes are given outermost first, the way PyTorch prints them: a linear layer's weight is
 * {@code [outFeatures, inFeatures]} and row {@code r} holds the weights of output feature {@code r}; an embedding is
 * {@code [vocab, hidden]}; a norm weight or a bias is {@code [n]}.
 *
 * <p>Thread safety: implementations are safe for concurrent reads from any number of threads.
 */
public interface Tensor {

  /** The canonical name, see {@link TensorNames}. */
  String name();

  /** The storage type in the file. */
  DType dtype();

  /** The shape, outermost dimension first. The returned array is a copy. */
  long[] shape();

  /** The number of elements. */
  default long elementCount() {
    long n = 1;
    for (long d : shape()) {
      n *= d;
    }
    return n;
  }

  /** Rows of a 2-D tensor ({@code shape[0]}); 1 for a 1-D tensor. */
  default int rows() {
    long[] s = shape();
    return s.length == 1 ? 1 : Math.toIntExact(s[0]);
  }

  /** Columns of a 2-D tensor ({@code shape[1]}); the length of a 1-D tensor. */
  default int columns() {
    long[] s = shape();
    return Math.toIntExact(s[s.length - 1]);
  }

  /**
   * Reads {@code count} consecutive elements, starting at flat element index {@code start}, as float32 into
   * {@code dst[dstOffset..]}. For block-quantized types {@code start} and {@code count} must be multiples of the
   * block size (a row of a weight matrix always is).
   */
  void read(long start, float[] dst, int dstOffset, int count);

  /** Reads row {@code row} of a 2-D tensor (or the whole of a 1-D tensor when {@code row == 0}). */
  default void readRow(int row, float[] dst) {
    int cols = columns();
    read((long) row * cols, dst, 0, cols);
  }

  /** Reads the whole tensor; only for small tensors (norms, biases). */
  default float[] readAll() {
    float[] out = new float[Math.toIntExact(elementCount())];
    read(0, out, 0, out.length);
    return out;
  }

  /**
   * Copies row {@code row} of a 2-D tensor as the file stores it, {@code dtype().bytesFor(columns())} bytes
   * (little-endian, ggml's block layout for block types), into {@code dst[offset ..]}: for a backend that keeps a
   * block-quantized type as it is (4-bit weights) instead of reading floats.
   *
   * @throws UnsupportedOperationException if this tensor's source cannot give its stored bytes (the default)
   */
  default void readStoredRow(int row, byte[] dst, int offset) {
    throw new UnsupportedOperationException("tensor " + name() + " does not give its stored " + dtype() + " bytes");
  }

  /**
   * A hint from a backend that has made its own copy of this tensor: the source may drop what it holds resident for
   * it (memory-mapped pages), which keeps peak memory low while a model is converted tensor by tensor. The tensor
   * stays readable (a later read maps it again). Call it only when no other thread is reading this tensor.
   */
  default void releaseResident() {}

  /** The bytes this tensor occupies in its file. */
  default long storageBytes() {
    return dtype().bytesFor(elementCount());
  }
}
