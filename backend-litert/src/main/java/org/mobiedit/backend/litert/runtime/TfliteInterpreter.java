package org.mobiedit.backend.litert.runtime;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterAllocateTensors;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterGetInputTensor;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterGetInputTensorCount;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterGetOutputTensor;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterInvoke;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsSetNumThreads;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteModelCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteModelDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorByteSize;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorCopyFromBuffer;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorCopyToBuffer;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.tensorflowlite.TfLiteInterpreter;
import org.bytedeco.tensorflowlite.TfLiteModel;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.mobiedit.api.MobiEditException;

/**
 * One TFLite model ready to run: the model bytes (kept alive, the runtime reads them in place), an interpreter with
 * its tensors allocated, and typed copies in and out. The CPU path of the runtime is XNNPACK, applied by default.
 *
 * <p>Not thread-safe: an interpreter runs one invocation at a time; callers serialise or hold one per thread.
 */
public final class TfliteInterpreter implements AutoCloseable {
  private final BytePointer modelBytes;
  private final TfLiteModel model;
  private final TfLiteInterpreter interpreter;
  private boolean closed;

  public TfliteInterpreter(byte[] flatbuffer, int threads) {
    modelBytes = new BytePointer(flatbuffer.length);
    modelBytes.put(flatbuffer);
    model = TfLiteModelCreate(modelBytes, flatbuffer.length);
    if (model == null || model.isNull()) {
      modelBytes.close();
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
          "The TFLite runtime rejected a written model (" + flatbuffer.length + " bytes): it is not a valid TFLite"
              + " FlatBuffer. This is a bug in the SDK's writer; please report it with the model's shape.");
    }
    var options = TfLiteInterpreterOptionsCreate();
    TfLiteInterpreterOptionsSetNumThreads(options, threads);
    interpreter = TfLiteInterpreterCreate(model, options);
    TfLiteInterpreterOptionsDelete(options);
    if (interpreter == null || interpreter.isNull()) {
      TfLiteModelDelete(model);
      modelBytes.close();
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
          "The TFLite runtime could not build an interpreter for a written model (an operator or version it does not"
              + " support; its log above names it).");
    }
    check(TfLiteInterpreterAllocateTensors(interpreter), "allocate tensors");
  }

  public int inputCount() {
    return TfLiteInterpreterGetInputTensorCount(interpreter);
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
    TfLiteTensor t = TfLiteInterpreterGetInputTensor(interpreter, index);
    long size = TfLiteTensorByteSize(t);
    if (size != bytes) {
      throw new IllegalArgumentException("input " + index + " holds " + size + " bytes, given " + bytes);
    }
    return t;
  }

  public void run() {
    checkOpen();
    check(TfLiteInterpreterInvoke(interpreter), "invoke");
  }

  /** Copies a float32 output out. */
  public float[] floatOutput(int index) {
    checkOpen();
    TfLiteTensor t = TfLiteInterpreterGetOutputTensor(interpreter, index);
    long bytes = TfLiteTensorByteSize(t);
    float[] out = new float[(int) (bytes / 4)];
    try (FloatPointer p = new FloatPointer(out.length)) {
      check(TfLiteTensorCopyToBuffer(t, p, bytes), "copy output " + index);
      p.get(out);
    }
    return out;
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
      TfLiteInterpreterDelete(interpreter);
      TfLiteModelDelete(model);
      modelBytes.close();
    }
  }
}
