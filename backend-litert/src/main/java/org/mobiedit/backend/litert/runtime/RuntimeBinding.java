package org.mobiedit.backend.litert.runtime;

import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.graph.CompiledGraph;
import org.mobiedit.backend.litert.accelerator.AcceleratorProbe;

/**
 * One way to run the TFLite files the SDK writes: a Java binding to a TFLite runtime. The files are the same for every
 * binding; a binding decides which hardware it reaches and compiles a file for one of them.
 *
 * <p>Two ship ({@link RuntimeBindings}): Google's TensorFlow Lite for Android ({@code android/}: the official
 * {@code Interpreter} with its GPU and NNAPI delegates) and the TFLite interpreter through JavaCPP ({@code javacpp/}:
 * desktop and Android, CPU only).
 */
public interface RuntimeBinding {
  /** The binding's name in settings and messages, e.g. {@code tensorflow-lite-android}. */
  String id();

  /** One line for {@code mobiedit backends}: what runs the graphs and where. */
  String description();

  /** Null when the runtime's classes and native library load here; otherwise what is missing and what to add. */
  @Nullable String loadProblem();

  /** What this binding reaches on this device (asked only when {@link #loadProblem()} is null). */
  AcceleratorProbe accelerators();

  /** Compiles a written graph as {@code compilation} says. */
  CompiledGraph open(GraphFile file, Compilation compilation);
}
