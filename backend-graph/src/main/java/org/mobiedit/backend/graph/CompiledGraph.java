package org.mobiedit.backend.graph;

/**
 * One graph as a runtime compiled it: inputs and outputs by the index {@link TransformerGraph} documents for its kind,
 * float32 or int32, each of the static size the graph declares. One invocation at a time: {@link GraphModel} holds
 * the graph's monitor from the first input to the last output it reads.
 */
public interface CompiledGraph extends AutoCloseable {
  void setInput(int index, float[] values);

  void setInput(int index, int[] values);

  /** Copies {@code count} floats of {@code src} from {@code off} into input {@code index} at element {@code from}. */
  void writeInput(int index, long from, float[] src, int off, int count);

  /** Runs the graph on the inputs set. */
  void run();

  /** A copy of float32 output {@code index}. */
  float[] floatOutput(int index);

  /** Copies {@code count} floats of output {@code index} from element {@code from} into {@code dst} at {@code off}. */
  void readOutput(int index, long from, float[] dst, int off, int count);

  /** The resident memory this compiled graph is estimated to hold (what the graph budget counts). */
  long residentBytes();

  @Override
  void close();
}
