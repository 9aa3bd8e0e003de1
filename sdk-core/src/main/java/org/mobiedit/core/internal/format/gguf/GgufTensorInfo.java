package org.mobiedit.core.internal.format.gguf;

import org.mobiedit.spi.DType;

/**
 * One tensor's entry in a GGUF header. {@link GgufFile} only makes entries whose size fits in 64 bits, whose rows
 * are whole blocks of the type and whose bytes lie inside the file.
 *
 * @param name the tensor name (GGUF names are the SDK's canonical names)
 * @param shape outermost first (GGUF's {@code ne} reversed)
 * @param type storage type
 * @param offset byte offset relative to the start of the data section
 */
public record GgufTensorInfo(String name, long[] shape, DType type, long offset) {

  /** The number of elements; {@link ArithmeticException} if it overflows (never for entries of a read file). */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The bytes the tensor occupies in the data section. */
  public long bytes() {
    return Math.multiplyExact(elements() / type.blockSize(), (long) type.blockBytes());
  }
}
