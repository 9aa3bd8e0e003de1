package org.mobiedit.backend.qnn.runtime;

import java.nio.Buffer;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.graph.TensorType;
import org.mobiedit.backend.qnn.onnx.OnnxWriter;

/**
 * The model weights of one loaded model, once, outside the Java heap: each weight a direct buffer wrapped (not copied)
 * by an {@link OnnxTensor}, which every session of the model receives as an input. A weight's bytes are produced the
 * first time a graph names it; later graphs reuse the same tensor, so the weights cost their bytes once however many
 * graphs are compiled. Thread-safe.
 */
public final class SharedWeights implements AutoCloseable {
  private final OrtEnvironment env;
  private final Map<String, OnnxTensor> tensors = new HashMap<>();
  /** The buffers of whole weights, by name (parts are views of them). */
  private final Map<String, ByteBuffer> buffers = new HashMap<>();
  private long bytes;
  private boolean closed;

  public SharedWeights(OrtEnvironment env) {
    this.env = env;
  }

  /**
   * The tensor holding {@code w}, made from its data the first time; a part of a weight is a view of the whole
   * weight's buffer (made then if it was not yet), so it costs no bytes of its own.
   */
  public synchronized OnnxTensor get(OnnxWriter.Weight w) {
    if (closed) {
      throw new IllegalStateException("these weights were released");
    }
    OnnxTensor t = tensors.get(w.name());
    if (t == null) {
      OnnxWriter.Weight whole = w.whole();
      if (whole == null) {
        ByteBuffer b = read(w);
        buffers.put(w.name(), b);
        t = wrap(w, b);
        bytes += w.data().size();
      } else {
        get(whole);
        ByteBuffer all = buffers.get(whole.name()).duplicate();
        ((Buffer) all).position((int) w.offset()).limit((int) (w.offset() + w.bytes()));
        t = wrap(w, all.slice().order(ByteOrder.nativeOrder()));
      }
      tensors.put(w.name(), t);
    }
    return t;
  }

  /** Bytes held. */
  public synchronized long bytes() {
    return bytes;
  }

  /** {@code w}'s bytes in a new direct buffer. */
  private static ByteBuffer read(OnnxWriter.Weight w) {
    long size = w.data().size();
    if (size > Integer.MAX_VALUE) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED, "The weight " + w.name() + " holds "
          + size + " bytes; backend-qnn keeps a weight in one buffer of at most 2 GiB. Load the model in int8.");
    }
    ByteBuffer b;
    try {
      b = ByteBuffer.allocateDirect((int) size).order(ByteOrder.nativeOrder());
    } catch (OutOfMemoryError e) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE, "No room for " + size + " bytes of"
          + " model weights outside the Java heap (" + e.getMessage() + "): load the model in int8, or allow more"
          + " direct memory (-XX:MaxDirectMemorySize).", e);
    }
    try {
      w.data().writeTo(new BufferChannel(b));
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "The weight " + w.name() + " cannot be read: "
          + e.getMessage(), e);
    }
    ((Buffer) b).flip();
    return b;
  }

  /** A tensor over {@code b}, not a copy of it. */
  private OnnxTensor wrap(OnnxWriter.Weight w, ByteBuffer b) {
    long[] shape = Arrays.stream(w.shape()).asLongStream().toArray();
    try {
      return w.type() == TensorType.INT8
          ? OnnxTensor.createTensor(env, b, shape, OnnxJavaType.INT8)
          : OnnxTensor.createTensor(env, b.asFloatBuffer(), shape);
    } catch (OrtException e) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE, "ONNX Runtime refused the weight "
          + w.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    tensors.values().forEach(OnnxTensor::close);
    tensors.clear();
    buffers.clear();
    bytes = 0;
  }

  /** Writes into a buffer (the weight's data is produced as a stream). */
  private static final class BufferChannel implements WritableByteChannel {
    private final ByteBuffer target;

    BufferChannel(ByteBuffer target) {
      this.target = target;
    }

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      target.put(src);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
