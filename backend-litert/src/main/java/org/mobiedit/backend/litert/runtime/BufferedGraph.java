package org.mobiedit.backend.litert.runtime;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.mobiedit.backend.graph.CompiledGraph;

/**
 * A {@link CompiledGraph} over a runtime that copies whole tensors in and out ({@link TensorRunner}): every input and
 * output has a direct buffer of its own here, inputs are written into theirs (in part or whole) and kept between runs
 * as a runtime's own input tensors are, and outputs are read from theirs after a run.
 *
 * <p>The buffers are the price of such a runtime: one more copy of every input and output (at the 0.5B shape the
 * resume graph's logits, 49 MB, dominate), counted in {@link #residentBytes()}.
 *
 * <p>Not thread-safe, like the runtime under it.
 */
public final class BufferedGraph implements CompiledGraph {
  private final TensorRunner runner;
  private final ByteBuffer[] inputs;
  private final ByteBuffer[] outputs;
  private final long residentBytes;
  private boolean closed;

  /**
   * @param modelBytes the graph file's size
   * @param residentFactor the runtime's estimated memory for the graph in multiples of its file
   */
  public BufferedGraph(TensorRunner runner, long modelBytes, int residentFactor) {
    this.runner = runner;
    this.inputs = new ByteBuffer[runner.inputCount()];
    this.outputs = new ByteBuffer[runner.outputCount()];
    long io = 0;
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = allocate(runner.inputBytes(i), "input " + i);
      io += inputs[i].capacity();
    }
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = allocate(runner.outputBytes(i), "output " + i);
      io += outputs[i].capacity();
    }
    this.residentBytes = modelBytes * residentFactor + io;
  }

  private static ByteBuffer allocate(long bytes, String what) {
    if (bytes < 0 || bytes > Integer.MAX_VALUE) {
      throw new IllegalStateException(what + " holds " + bytes + " bytes, more than one Java buffer can hold");
    }
    return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
  }

  @Override
  public void setInput(int index, float[] values) {
    whole(index, values.length).asFloatBuffer().put(values);
  }

  @Override
  public void setInput(int index, int[] values) {
    whole(index, values.length).asIntBuffer().put(values);
  }

  @Override
  public void writeInput(int index, long from, float[] src, int off, int count) {
    slice(inputs, index, "input", from, count).put(src, off, count);
  }

  @Override
  public void run() {
    checkOpen();
    for (ByteBuffer b : inputs) {
      ((Buffer) b).clear();
    }
    for (ByteBuffer b : outputs) {
      ((Buffer) b).clear();
    }
    runner.run(inputs, outputs);
  }

  @Override
  public float[] floatOutput(int index) {
    ByteBuffer b = buffer(outputs, index, "output");
    float[] out = new float[b.capacity() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  @Override
  public void readOutput(int index, long from, float[] dst, int off, int count) {
    slice(outputs, index, "output", from, count).get(dst, off, count);
  }

  @Override
  public long residentBytes() {
    return residentBytes;
  }

  private ByteBuffer buffer(ByteBuffer[] all, int index, String what) {
    checkOpen();
    if (index < 0 || index >= all.length) {
      throw new IndexOutOfBoundsException(what + " " + index + " of a graph with " + all.length);
    }
    return all[index];
  }

  /** Input {@code index}'s buffer, which must hold exactly {@code elements} 4-byte values. */
  private ByteBuffer whole(int index, int elements) {
    ByteBuffer b = buffer(inputs, index, "input");
    if (b.capacity() != elements * 4L) {
      throw new IllegalArgumentException("input " + index + " holds " + b.capacity() + " bytes, given "
          + elements * 4L);
    }
    return b;
  }

  /** A float view of elements {@code [from, from + count)}, positioned at {@code from}. */
  private FloatBuffer slice(ByteBuffer[] all, int index, String what, long from, int count) {
    FloatBuffer f = buffer(all, index, what).asFloatBuffer();
    if (from < 0 || count < 0 || from + count > f.capacity()) {
      throw new IndexOutOfBoundsException("floats " + from + ".." + (from + count) + " of a tensor of "
          + f.capacity());
    }
    ((Buffer) f).position((int) from);
    return f;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this graph is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      runner.close();
    }
  }
}
