package org.mobiedit.backend.litert.runtime.android;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.runtime.javacpp.TfliteInterpreter;

/**
 * An Android device for tests: its answers are given, and Google's interpreter (an Android library) is replaced by
 * the real TFLite interpreter through JavaCPP behind the same {@code TensorRunner} buffers, so everything of the
 * Android binding but the official classes runs. Records the accelerator each graph was compiled for; accelerators in
 * {@code failing} refuse every graph as a delegate that cannot take it does.
 */
public final class EmulatedAndroid implements AndroidDevice {
  private final int sdk;
  private final Set<String> classes;
  private final @Nullable String nativeProblem;
  private final @Nullable String gpuProblem;
  private final Set<Accelerator> failing = EnumSet.noneOf(Accelerator.class);
  private final List<Accelerator> compiled = new ArrayList<>();
  private final List<@Nullable String> cacheTokens = new ArrayList<>();

  public EmulatedAndroid(int sdk, Set<String> classes, @Nullable String nativeProblem, @Nullable String gpuProblem) {
    this.sdk = sdk;
    this.classes = Set.copyOf(classes);
    this.nativeProblem = nativeProblem;
    this.gpuProblem = gpuProblem;
  }

  /** A recent phone whose app holds tensorflow-lite and tensorflow-lite-gpu, with a supported GPU. */
  public static EmulatedAndroid phone() {
    return new EmulatedAndroid(34, Set.of(INTERPRETER, GPU_DELEGATE, NNAPI_DELEGATE), null, null);
  }

  /** Makes {@code accelerator} refuse every graph from now on; returns this. */
  public EmulatedAndroid failing(Accelerator accelerator) {
    failing.add(accelerator);
    return this;
  }

  /** The Android binding on this device. */
  public AndroidBinding binding() {
    return new AndroidBinding(this, this::open);
  }

  /** The accelerators graphs were compiled for, in order (failed attempts included). */
  public synchronized List<Accelerator> compiled() {
    return List.copyOf(compiled);
  }

  /** The compilation cache tokens graphs were compiled with, in order. */
  public synchronized List<@Nullable String> cacheTokens() {
    return new ArrayList<>(cacheTokens);
  }

  private TfliteInterpreter open(ByteBuffer model, Accelerator accelerator, int threads, @Nullable Path cacheFolder,
      @Nullable String cacheToken) {
    synchronized (this) {
      compiled.add(accelerator);
      cacheTokens.add(cacheToken);
    }
    if (failing.contains(accelerator)) {
      throw new IllegalArgumentException("Internal error: Failed to apply delegate (emulated)");
    }
    try {
      Path file = Files.createTempFile("emulated-android-", ".tflite");
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ByteBuffer copy = model.duplicate();
        while (copy.hasRemaining()) {
          out.write(copy);
        }
      }
      return TfliteInterpreter.openAndRemove(file, threads);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int sdkInt() {
    return sdk;
  }

  @Override
  public boolean hasClass(String name) {
    return classes.contains(name);
  }

  @Override
  public @Nullable String nativeProblem() {
    return nativeProblem;
  }

  @Override
  public String runtimeVersion() {
    return "2.16.1 (emulated)";
  }

  @Override
  public @Nullable String gpuProblem() {
    return gpuProblem;
  }
}
