package org.mobiedit.backend.qnn.runtime;

import java.nio.Buffer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.graph.CompiledGraph;
import org.mobiedit.backend.graph.TensorType;
import org.mobiedit.backend.qnn.onnx.OnnxWriter;

/**
 * One ONNX Runtime session of a written graph. Its inputs and outputs live in direct buffers made once, which ONNX
 * Runtime reads and writes in place (inputs wrapped as tensors, outputs pinned), so a run copies nothing but what the
 * caller sets and reads; the model's weights come from {@link SharedWeights}. Not thread-safe (the caller holds the
 * graph's monitor for a whole invocation).
 */
public final class OrtGraph implements CompiledGraph {
  private final OrtSession session;
  private final List<OnnxWriter.Port> inputs;
  private final ByteBuffer[] inputBuffers;
  private final ByteBuffer[] outputBuffers;
  private final Map<String, OnnxTensorLike> feeds = new HashMap<>();
  private final Map<String, OnnxTensor> pinned = new HashMap<>();
  private final long resident;
  private boolean closed;

  /**
   * @param session the compiled session of {@code graph}; owned (closed) by this object from now on
   * @param workspace what the runtime's arena is expected to keep for this session beyond its inputs and outputs
   *     (its integer kernels' packing buffers), counted in {@link #residentBytes()}
   */
  public OrtGraph(OrtEnvironment env, OrtSession session, OnnxWriter.OnnxGraph graph, SharedWeights weights,
      long workspace) {
    this.session = session;
    this.inputs = graph.inputs();
    this.inputBuffers = new ByteBuffer[inputs.size()];
    this.outputBuffers = new ByteBuffer[graph.outputs().size()];
    long io = 0;
    try {
      for (int i = 0; i < inputs.size(); i++) {
        OnnxWriter.Port p = inputs.get(i);
        inputBuffers[i] = direct(p);
        feeds.put(p.name(), tensor(env, p, inputBuffers[i]));
        io += inputBuffers[i].capacity();
      }
      for (int i = 0; i < outputBuffers.length; i++) {
        OnnxWriter.Port p = graph.outputs().get(i);
        outputBuffers[i] = direct(p);
        pinned.put(p.name(), tensor(env, p, outputBuffers[i]));
        io += outputBuffers[i].capacity();
      }
      for (OnnxWriter.Weight w : graph.weights()) {
        feeds.put(w.name(), weights.get(w));
      }
    } catch (OrtException | RuntimeException e) {
      close();
      throw e instanceof RuntimeException r ? r : failure("prepare its inputs", (OrtException) e);
    }
    // inputs and outputs, the graph's own constants, the runtime's arena for the activations in between, and the
    // workspace its kernels keep
    this.resident = 4 * io + graph.model().length + workspace;
  }

  private static ByteBuffer direct(OnnxWriter.Port p) {
    return ByteBuffer.allocateDirect(Math.toIntExact(p.count() * p.type().bytes())).order(ByteOrder.nativeOrder());
  }

  private static OnnxTensor tensor(OrtEnvironment env, OnnxWriter.Port p, ByteBuffer b) throws OrtException {
    long[] shape = new long[p.shape().length];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = p.shape()[i];
    }
    if (p.type() == TensorType.INT32) {
      return OnnxTensor.createTensor(env, b.asIntBuffer(), shape);
    }
    if (p.type() != TensorType.FLOAT32) {
      throw new IllegalArgumentException("graph inputs and outputs are float32 or int32, not " + p);
    }
    return OnnxTensor.createTensor(env, b.asFloatBuffer(), shape);
  }

  @Override
  public void setInput(int index, float[] values) {
    checkSize(index, values.length);
    floats(inputBuffers[index]).put(values);
  }

  @Override
  public void setInput(int index, int[] values) {
    checkSize(index, values.length);
    IntBuffer b = inputBuffers[index].asIntBuffer();
    b.put(values);
  }

  private void checkSize(int index, long count) {
    checkOpen();
    long want = inputs.get(index).count();
    if (want != count) {
      throw new IllegalArgumentException("input " + index + " (" + inputs.get(index).name() + ") holds " + want
          + " values, given " + count);
    }
  }

  @Override
  public void writeInput(int index, long from, float[] src, int off, int count) {
    checkOpen();
    FloatBuffer b = floats(inputBuffers[index]);
    ((Buffer) b).position(Math.toIntExact(from));
    b.put(src, off, count);
  }

  @Override
  public void run() {
    checkOpen();
    try {
      session.run(feeds, pinned).close(); // the outputs are the pinned buffers; the result only holds references
    } catch (OrtException e) {
      throw failure("run", e);
    }
  }

  @Override
  public float[] floatOutput(int index) {
    checkOpen();
    FloatBuffer b = floats(outputBuffers[index]);
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  @Override
  public void readOutput(int index, long from, float[] dst, int off, int count) {
    checkOpen();
    FloatBuffer b = floats(outputBuffers[index]);
    ((Buffer) b).position(Math.toIntExact(from));
    b.get(dst, off, count);
  }

  @Override
  public long residentBytes() {
    return resident;
  }

  private static FloatBuffer floats(ByteBuffer b) {
    return b.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this graph was closed");
    }
  }

  private static MobiEditException failure(String what, OrtException e) {
    return new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE, "ONNX Runtime could not " + what
        + " a graph: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = 0; i < inputs.size(); i++) {
      OnnxTensorLike t = feeds.get(inputs.get(i).name());
      if (t instanceof OnnxTensor own) {
        own.close(); // the graph's own inputs; the weights belong to SharedWeights
      }
    }
    pinned.values().forEach(OnnxTensor::close);
    try {
      session.close();
    } catch (OrtException e) {
      throw failure("release", e);
    }
  }
}
