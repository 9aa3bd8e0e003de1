package org.mobiedit.backend.litert.runtime;

import java.nio.ByteBuffer;

/**
 * A compiled graph seen as a runtime's Java API offers it: a run copies every input in from a buffer and every output
 * out into one. {@link BufferedGraph} turns it into the partial reads and writes the edit engine makes.
 */
public interface TensorRunner extends AutoCloseable {
  int inputCount();

  int outputCount();

  long inputBytes(int index);

  long outputBytes(int index);

  /**
   * Runs the graph: {@code inputs[i]} holds input i and {@code outputs[i]} receives output i, each a direct buffer in
   * native byte order of exactly that tensor's size, positioned at 0.
   */
  void run(ByteBuffer[] inputs, ByteBuffer[] outputs);

  @Override
  void close();
}
