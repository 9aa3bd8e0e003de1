package org.mobiedit.backend.litert.runtime.javacpp;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorByteSize;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorCopyFromBuffer;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorCopyToBuffer;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithXNNPACK;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.graph.CompiledGraph;
import org.mobiedit.backend.litert.runtime.TensorRunner;

/**
 * One TFLite model ready to run: the model file mapped into memory (the runtime reads constants in place; mapped pages
 * are the kernel's to drop and reload, not the process's own memory), an interpreter with its tensors allocated, and
 * typed copies in and out.
 *
 * <p>The interpreter is built with the C++ API and an operator resolver that applies the XNNPACK delegate. The C API's
 * {@code TfLiteInterpreterCreate} in these natives does not apply it, and then every operator runs on TFLite's
 * reference kernels: measured here, 35 against 218 GFLOPS for a 512×896×4864 fully connected layer on 2 threads, and
 * one thread only for batched matrix products (bench/RESULTS.md).
 *
 * <p>Not thread-safe: an interpreter runs one invocation at a time; callers serialise or hold one per thread.
 */
public final class TfliteInterpreter implements CompiledGraph, TensorRunner {
  private final long size;
  /** {@link #residentBytes()} in multiples of the file: twice it unless the backend estimates otherwise. */
  private int residentFactor = 2;
  private final FlatBufferModel model;
  private final BuiltinOpResolverWithXNNPACK resolver;
  private final InterpreterBuilder builder;
  private final Interpreter interpreter;
  private boolean closed;

  /** Maps a model file and compiles it. The file must stay in place while the interpreter is open. */
  public static TfliteInterpreter open(Path file, int threads) {
    return new TfliteInterpreter(file, threads, false);
  }

  /** Maps a temporary model file, compiles it and removes the file (the mapping keeps it readable until closed). */
  public static TfliteInterpreter openAndRemove(Path file, int threads) {
    return new TfliteInterpreter(file, threads, true);
  }

  private TfliteInterpreter(Path file, int threads, boolean removeFile) {
    long bytes;
    try {
      bytes = Files.size(file);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "The graph file " + file + " cannot be read ("
          + e.getMessage() + ").", e);
    }
    this.size = bytes;
    try {
      model = FlatBufferModel.VerifyAndBuildFromFile(file.toString());
    } finally {
      if (removeFile) {
        try {
          Files.deleteIfExists(file); // the mapping stays valid
        } catch (IOException ignored) {
          // a leftover temporary file is harmless
        }
      }
    }
    if (model == null || model.isNull()) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
          "The TFLite runtime rejected a model (" + size + " bytes): it is not a valid TFLite FlatBuffer. If it was"
              + " read from the graph cache, delete the cache folder; otherwise this is a bug in the SDK's writer;"
              + " please report it with the model's shape.");
    }
    resolver = new BuiltinOpResolverWithXNNPACK();
    builder = new InterpreterBuilder(model, resolver);
    builder.SetNumThreads(threads);
    // The builder creates the interpreter and hands it over through a unique_ptr. The Java object must start empty:
    // one allocated here would be deleted by the builder while its Java deallocator still points at it, so closing
    // it would free that memory twice and leak the real interpreter (a heap corruption that crashed later runs).
    interpreter = new Interpreter((Pointer) null);
    int built = builder.apply(interpreter);
    if (built != 0 || interpreter.isNull()) {
      release();
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
          "The TFLite runtime could not build an interpreter for a written model (status " + built + "; an operator"
              + " or version it does not support; its log above names it).");
    }
    int allocated = interpreter.AllocateTensors();
    if (allocated != 0) {
      release();
      check(allocated, "allocate tensors");
    }
  }

  /** Sets {@link #residentBytes()} to {@code factor} times the file (see the backend's estimate); returns this. */
  public TfliteInterpreter estimateResidentAs(int factor) {
    this.residentFactor = factor;
    return this;
  }

  @Override
  public long residentBytes() {
    return size * residentFactor;
  }

  public void setInput(int index, float[] values) {
    TfLiteTensor t = input(index, values.length * 4L);
    try (FloatPointer p = new FloatPointer(values)) {
      check(TfLiteTensorCopyFromBuffer(t, p, values.length * 4L), "copy input " + index);
    }
  }

  public void setInput(int index, int[] values) {
    TfLiteTensor t = input(index, values.length * 4L);
    try (IntPointer p = new IntPointer(values)) {
      check(TfLiteTensorCopyFromBuffer(t, p, values.length * 4L), "copy input " + index);
    }
  }

  private TfLiteTensor input(int index, long bytes) {
    checkOpen();
    TfLiteTensor t = interpreter.input_tensor(index);
    long size = TfLiteTensorByteSize(t);
    if (size != bytes) {
      throw new IllegalArgumentException("input " + index + " holds " + size + " bytes, given " + bytes);
    }
    return t;
  }

  public void run() {
    checkOpen();
    check(interpreter.Invoke(), "invoke");
  }

  @Override
  public int inputCount() {
    checkOpen();
    return (int) interpreter.inputs().limit();
  }

  @Override
  public int outputCount() {
    checkOpen();
    return (int) interpreter.outputs().limit();
  }

  @Override
  public long inputBytes(int index) {
    checkOpen();
    return TfLiteTensorByteSize(interpreter.input_tensor(checkIndex(index, inputCount(), "input")));
  }

  @Override
  public long outputBytes(int index) {
    checkOpen();
    return TfLiteTensorByteSize(interpreter.output_tensor(checkIndex(index, outputCount(), "output")));
  }

  private static int checkIndex(int index, int count, String what) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(what + " " + index + " of a graph with " + count);
    }
    return index;
  }

  /** {@link TensorRunner}: whole tensors copied in from {@code inputs} and out into {@code outputs} around a run. */
  @Override
  public void run(ByteBuffer[] inputs, ByteBuffer[] outputs) {
    for (int i = 0; i < inputs.length; i++) {
      TfLiteTensor t = input(i, inputs[i].capacity());
      check(TfLiteTensorCopyFromBuffer(t, new Pointer(inputs[i]), inputs[i].capacity()), "copy input " + i);
    }
    run();
    for (int i = 0; i < outputs.length; i++) {
      TfLiteTensor t = interpreter.output_tensor(checkIndex(i, outputCount(), "output"));
      long bytes = TfLiteTensorByteSize(t);
      if (bytes != outputs[i].capacity()) {
        throw new IllegalArgumentException("output " + i + " holds " + bytes + " bytes, given "
            + outputs[i].capacity());
      }
      check(TfLiteTensorCopyToBuffer(t, new Pointer(outputs[i]), bytes), "copy output " + i);
    }
  }

  /** Copies a float32 output out. */
  public float[] floatOutput(int index) {
    checkOpen();
    TfLiteTensor t = interpreter.output_tensor(index);
    long bytes = TfLiteTensorByteSize(t);
    float[] out = new float[(int) (bytes / 4)];
    try (FloatPointer p = new FloatPointer(out.length)) {
      check(TfLiteTensorCopyToBuffer(t, p, bytes), "copy output " + index);
      p.get(out);
    }
    return out;
  }

  /**
   * Writes {@code src[off .. off + count)} into floats {@code [from, from + count)} of float32 input {@code index},
   * straight into the runtime's tensor (no intermediate buffer; the rest of the tensor keeps what it held).
   */
  public void writeInput(int index, long from, float[] src, int off, int count) {
    checkOpen();
    try (FloatPointer p = floats(interpreter.input_tensor(index), from, count)) {
      p.put(src, off, count);
    }
  }

  /**
   * Copies floats {@code [from, from + count)} of float32 output {@code index} into {@code dst[off ..]}, straight
   * from the runtime's tensor: no buffer the size of the whole output is made, so a caller that needs a few rows of a
   * large output (logits over the vocabulary) reads only those.
   */
  public void readOutput(int index, long from, float[] dst, int off, int count) {
    checkOpen();
    try (FloatPointer p = floats(interpreter.output_tensor(index), from, count)) {
      p.get(dst, off, count);
    }
  }

  /** A view of floats {@code [from, from + count)} of a float32 tensor's own memory (nothing is allocated). */
  private static FloatPointer floats(TfLiteTensor t, long from, int count) {
    long floats = TfLiteTensorByteSize(t) / 4;
    if (from < 0 || count < 0 || from + count > floats) {
      throw new IndexOutOfBoundsException("floats " + from + ".." + (from + count) + " of a tensor of " + floats);
    }
    return new FloatPointer(TfLiteTensorData(t)).position(from);
  }

  private static void check(int status, String what) {
    if (status != 0) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
          "The TFLite runtime failed to " + what + " (status " + status + "; its log above says why).");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this TFLite interpreter is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      release();
    }
  }

  /** Frees in dependency order: the interpreter uses the builder's resolver and the model (the mapped file). */
  private void release() {
    if (!interpreter.isNull()) {
      interpreter.close();
    }
    builder.close();
    resolver.close();
    model.close();
  }
}
