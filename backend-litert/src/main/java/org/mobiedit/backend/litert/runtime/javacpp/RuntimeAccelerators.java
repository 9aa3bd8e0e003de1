package org.mobiedit.backend.litert.runtime.javacpp;

import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.accelerator.AcceleratorProbe;

/**
 * What this binding reaches: the TFLite interpreter through JavaCPP, whose CPU path is XNNPACK. The published natives
 * (linux-x86_64, android-arm64, …) carry neither the GPU delegate nor NNAPI's, so the GPU and the NPU are reported
 * unavailable with that reason; on Android, Google's TensorFlow Lite for Android reaches them ({@code runtime/android}).
 */
public final class RuntimeAccelerators implements AcceleratorProbe {
  @Override
  public @Nullable String unavailable(Accelerator accelerator) {
    if (accelerator == Accelerator.CPU) {
      return TfliteRuntime.loadProblem();
    }
    return "this runtime binding (the TFLite interpreter through org.bytedeco:tensorflow-lite) reaches the CPU only;"
        + " the " + accelerator.id().toUpperCase(java.util.Locale.ROOT) + " is reached through Google's TensorFlow Lite"
        + " for Android (org.tensorflow:tensorflow-lite and tensorflow-lite-gpu in an Android app)";
  }
}
