package org.mobiedit.spi;

/**
 * What a loaded model holds.
 *
 * @param weightBytes bytes of weights the backend keeps in its own buffers (quantized copies, converted tensors)
 * @param mappedBytes bytes of the model file(s) it reads in place through memory mapping; 0 unless the model
 *     {@linkplain BackendModel#keepsModelFilesMapped() keeps them mapped}
 */
public record MemoryUsage(long weightBytes, long mappedBytes) {}
