package org.mobiedit.backend.litert.runtime.android;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.runtime.TensorRunner;
import org.tensorflow.lite.Delegate;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.nnapi.NnApiDelegate;

/**
 * A written graph compiled by Google's TensorFlow Lite for Android ({@code org.tensorflow.lite.Interpreter}): on the
 * CPU with XNNPACK, on the GPU with the GPU delegate in float32, on the NPU with the NNAPI delegate (float32 kept
 * exact, NNAPI's CPU fallback off, sustained speed, its compilation cached in the app's cache folder when there is one).
 *
 * <p>Compiled in this build but never run here: the runtime's natives are Android libraries (docs/android.md).
 */
final class OfficialInterpreter implements TensorRunner {
  private final ByteBuffer model;
  private final Interpreter interpreter;
  private final List<Delegate> delegates;

  private OfficialInterpreter(ByteBuffer model, Interpreter interpreter, List<Delegate> delegates) {
    this.model = model;
    this.interpreter = interpreter;
    this.delegates = delegates;
  }

  /** {@link RunnerFactory} for apps. */
  static TensorRunner open(ByteBuffer model, Accelerator accelerator, int threads, @Nullable Path cacheFolder,
      @Nullable String cacheToken) throws ReflectiveOperationException {
    Interpreter.Options options = new Interpreter.Options().setNumThreads(threads).setUseXNNPACK(true);
    List<Delegate> delegates = new ArrayList<>();
    switch (accelerator) {
      case GPU -> delegates.add(OfficialRuntime.gpuDelegate());
      case NPU -> {
        NnApiDelegate.Options nnapi = new NnApiDelegate.Options()
            .setUseNnapiCpu(false)
            .setAllowFp16(false)
            .setExecutionPreference(NnApiDelegate.Options.EXECUTION_PREFERENCE_SUSTAINED_SPEED);
        if (cacheFolder != null && cacheToken != null) {
          nnapi.setCacheDir(cacheFolder.toString()).setModelToken(cacheToken);
        }
        delegates.add(new NnApiDelegate(nnapi));
      }
      case CPU -> { }
    }
    for (Delegate d : delegates) {
      options.addDelegate(d);
    }
    try {
      Interpreter it = new Interpreter(model, options);
      it.allocateTensors();
      return new OfficialInterpreter(model, it, delegates);
    } catch (RuntimeException e) {
      closeAll(delegates);
      throw e;
    }
  }

  @Override
  public int inputCount() {
    return interpreter.getInputTensorCount();
  }

  @Override
  public int outputCount() {
    return interpreter.getOutputTensorCount();
  }

  @Override
  public long inputBytes(int index) {
    return interpreter.getInputTensor(index).numBytes();
  }

  @Override
  public long outputBytes(int index) {
    return interpreter.getOutputTensor(index).numBytes();
  }

  @Override
  public void run(ByteBuffer[] inputs, ByteBuffer[] outputs) {
    Map<Integer, Object> out = new HashMap<>();
    for (int i = 0; i < outputs.length; i++) {
      out.put(i, outputs[i]);
    }
    interpreter.runForMultipleInputsOutputs(inputs, out);
  }

  @Override
  public void close() {
    interpreter.close();
    closeAll(delegates);
    model.capacity(); // the mapped model stays reachable until the interpreter is closed
  }

  private static void closeAll(List<Delegate> delegates) {
    for (Delegate d : delegates) {
      try {
        d.close();
      } catch (RuntimeException ignored) {
        // closing what failed to start: nothing more to do
      }
    }
  }
}
