package org.mobiedit.core.format.gguf;

import org.mobiedit.spi.DType;

/**
 * One tensor's entry in a GGUF header.
 *
 * @param name the tensor name (GGUF names are the SDK's canonical names)
 * @param shape outermost first (GGUF's {@code ne} reversed)
 * @param type storage type
 * @param offset byte offset relative to the start of the data section
 */
public record GgufTensorInfo(String name, long[] shape, DType type, long offset) {

  public long elements() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
