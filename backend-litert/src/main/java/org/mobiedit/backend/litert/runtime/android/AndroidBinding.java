package org.mobiedit.backend.litert.runtime.android;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.graph.CompiledGraph;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.accelerator.AcceleratorProbe;
import org.mobiedit.backend.litert.runtime.BufferedGraph;
import org.mobiedit.backend.litert.runtime.Compilation;
import org.mobiedit.backend.litert.runtime.GraphFile;
import org.mobiedit.backend.litert.runtime.RuntimeBinding;
import org.mobiedit.backend.litert.runtime.TensorRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google's TensorFlow Lite for Android ({@code org.tensorflow:tensorflow-lite} and {@code tensorflow-lite-gpu}
 * 2.16.1): the official {@code Interpreter} with its GPU and NNAPI delegates, the way an Android app reaches the GPU
 * and, through NNAPI, the vendor's NPU. Used when the app holds those artifacts ({@link
 * org.mobiedit.backend.litert.runtime.RuntimeBindings}); it runs the same written files as every binding.
 *
 * <p>The file is mapped and handed to the interpreter, which copies inputs in and outputs out on each run
 * ({@link BufferedGraph}). When an accelerator chosen automatically fails to take a graph, that graph runs on the CPU
 * and the reason is logged once per accelerator; an accelerator the user named fails the load instead.
 *
 * <p>What was checked here: this class, its choices and fallbacks, and the buffers, run with the JavaCPP interpreter
 * behind the same {@link TensorRunner} (Google's runtime is an Android library). What was not: the official
 * interpreter and its delegates on a phone.
 */
public final class AndroidBinding implements RuntimeBinding {
  public static final String ID = "tensorflow-lite-android";
  private static final Logger log = LoggerFactory.getLogger(AndroidBinding.class);

  private final AndroidDevice device;
  private final RunnerFactory runners;
  private final boolean[] fallbackLogged = new boolean[Accelerator.values().length];

  /** The binding over this device and Google's interpreter. */
  public AndroidBinding() {
    this(AndroidDevice.current(), OfficialInterpreter::open);
  }

  AndroidBinding(AndroidDevice device, RunnerFactory runners) {
    this.device = device;
    this.runners = runners;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "TensorFlow Lite " + device.runtimeVersion() + " for Android (CPU with XNNPACK, GPU delegate, NNAPI)";
  }

  @Override
  public @Nullable String loadProblem() {
    if (!device.hasClass(AndroidDevice.INTERPRETER)) {
      return "the app does not hold Google's TensorFlow Lite for Android (add org.tensorflow:tensorflow-lite, and"
          + " tensorflow-lite-gpu for the GPU)";
    }
    return device.nativeProblem();
  }

  @Override
  public AcceleratorProbe accelerators() {
    return new AndroidAccelerators(device);
  }

  @Override
  public CompiledGraph open(GraphFile file, Compilation compilation) {
    ByteBuffer model = map(file);
    return new BufferedGraph(runner(model, file, compilation), model.capacity(), compilation.residentFactor());
  }

  private TensorRunner runner(ByteBuffer model, GraphFile file, Compilation compilation) {
    Accelerator accelerator = compilation.accelerator();
    try {
      return runners.open(model, accelerator, compilation.threads(), compilation.acceleratorCache(), file.name());
    } catch (Exception e) {
      String what = "TensorFlow Lite could not compile a graph" + (file.name() == null ? "" : " (" + file.name() + ")")
          + " for the " + accelerator.id().toUpperCase(Locale.ROOT) + " (" + e + ")";
      if (accelerator != Accelerator.CPU && compilation.fallBackToCpu()) {
        logFallback(accelerator, what);
        return runner(model, file, compilation.onCpu());
      }
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE, what + (accelerator == Accelerator.CPU
          ? ": please report it with the model's shape."
          : ": choose another accelerator with -Dmobiedit.litert.accelerator (or LoadOptions.withAccelerator), or"
              + " auto to fall back to the CPU."), e);
    }
  }

  private void logFallback(Accelerator accelerator, String what) {
    boolean first;
    synchronized (fallbackLogged) {
      first = !fallbackLogged[accelerator.ordinal()];
      fallbackLogged[accelerator.ordinal()] = true;
    }
    if (first) {
      log.warn("{}; such graphs run on the CPU instead", what);
    } else {
      log.debug("{}; it runs on the CPU instead", what);
    }
  }

  /** The graph file mapped read-only; a temporary file is removed once mapped (the mapping keeps it readable). */
  private static ByteBuffer map(GraphFile file) {
    Path path = file.path();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "The graph file " + path + " cannot be mapped ("
          + e.getMessage() + ").", e);
    } finally {
      if (file.temporary()) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException ignored) {
          // a leftover temporary file is harmless
        }
      }
    }
  }
}
