package org.mobiedit.backend.litert.runtime.android;

import org.jspecify.annotations.Nullable;

/**
 * What the Android binding needs to know about the device and the app: the Android version, which of TensorFlow Lite's
 * artifacts the app holds, whether its natives load, and whether TensorFlow Lite lists the GPU as supported. An
 * interface so the binding's choices can be tested with any device's answers; {@link #current()} asks this one.
 */
public interface AndroidDevice {
  /** TensorFlow Lite's interpreter, in {@code org.tensorflow:tensorflow-lite}. */
  String INTERPRETER = "org.tensorflow.lite.Interpreter";
  /** The GPU delegate, in {@code org.tensorflow:tensorflow-lite-gpu}. */
  String GPU_DELEGATE = "org.tensorflow.lite.gpu.GpuDelegate";
  /** The NNAPI delegate, in {@code org.tensorflow:tensorflow-lite-api} (which tensorflow-lite brings). */
  String NNAPI_DELEGATE = "org.tensorflow.lite.nnapi.NnApiDelegate";
  /** The first Android version whose NNAPI runs the operators the written graphs use (8.1). */
  int NNAPI_MIN_SDK = 27;

  /** {@code android.os.Build.VERSION.SDK_INT}, or 0 off Android. */
  int sdkInt();

  /** Whether the app holds the class (without initialising it). */
  boolean hasClass(String name);

  /** Null when TensorFlow Lite's native library loads; otherwise why not (asked only when its classes are present). */
  @Nullable String nativeProblem();

  /** TensorFlow Lite's version, e.g. {@code 2.16.1} (asked only when its natives load). */
  String runtimeVersion();

  /** Null when TensorFlow Lite's compatibility list supports the GPU delegate here; otherwise why not. */
  @Nullable String gpuProblem();

  /** This device, asked once per question. */
  static AndroidDevice current() {
    return InstalledDevice.INSTANCE;
  }
}
