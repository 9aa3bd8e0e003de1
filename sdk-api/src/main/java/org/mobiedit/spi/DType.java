package org.mobiedit.spi;

/**
 * Element types a tensor can be stored in. Block-quantized types store {@link #blockSize()} elements in
 * {@link #blockBytes()} bytes; plain types have a block of one element.
 */
public enum DType {
  F32(1, 4),
  F16(1, 2),
  BF16(1, 2),
  /** GGML Q8_0: blocks of 32 int8 values with one f16 scale. */
  Q8_0(32, 34),
  /** GGML Q4_0: blocks of 32 4-bit values with one f16 scale (offset 8). */
  Q4_0(32, 18),
  /** GGML Q4_K: super-blocks of 256 4-bit values with 6-bit sub-block scales and mins. */
  Q4_K(256, 144),
  /** GGML Q6_K: super-blocks of 256 6-bit values (found in Q4_K_M files for a few tensors). */
  Q6_K(256, 210);

  private final int blockSize;
  private final int blockBytes;

  DType(int blockSize, int blockBytes) {
    this.blockSize = blockSize;
    this.blockBytes = blockBytes;
  }

  /** Elements per block (1 for plain types). */
  public int blockSize() {
    return blockSize;
  }

  /** Bytes per block. */
  public int blockBytes() {
    return blockBytes;
  }

  /** Bytes needed for {@code elements} elements; {@code elements} must be a multiple of the block size. */
  public long bytesFor(long elements) {
    if (elements % blockSize != 0) {
      throw new IllegalArgumentException(
          name() + " stores elements in blocks of " + blockSize + "; " + elements + " is not a multiple");
    }
    return elements / blockSize * blockBytes;
  }
}
