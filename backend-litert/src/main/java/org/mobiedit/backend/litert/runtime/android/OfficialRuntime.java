package org.mobiedit.backend.litert.runtime.android;

import java.lang.reflect.Constructor;
import org.jspecify.annotations.Nullable;
import org.tensorflow.lite.Delegate;
import org.tensorflow.lite.TensorFlowLite;
import org.tensorflow.lite.gpu.CompatibilityList;
import org.tensorflow.lite.gpu.GpuDelegate;

/**
 * The calls into Google's TensorFlow Lite for Android that are not the interpreter: loading its natives, its GPU
 * compatibility list, and the GPU delegate with the options the SDK needs. Loaded only once
 * {@link AndroidDevice#hasClass} has found the classes.
 */
final class OfficialRuntime {
  private OfficialRuntime() {}

  /** Null when the natives load (the interpreter's JNI library). Never throws. */
  static @Nullable String nativeProblem() {
    try {
      TensorFlowLite.init();
      return null;
    } catch (Throwable e) { // UnsatisfiedLinkError off Android or without the AAR's jni folder: reported, not thrown
      return "TensorFlow Lite's native library does not load here (" + e + "): it runs in an Android app that"
          + " depends on org.tensorflow:tensorflow-lite";
    }
  }

  /** The runtime's version, e.g. {@code 2.16.1}. */
  static String version() {
    return TensorFlowLite.runtimeVersion();
  }

  /** Null when the compatibility list supports the GPU delegate on this device. Never throws. */
  static @Nullable String gpuProblem() {
    try (CompatibilityList list = new CompatibilityList()) {
      return list.isDelegateSupportedOnThisDevice() ? null
          : "TensorFlow Lite's GPU compatibility list does not support this device's GPU";
    } catch (Throwable e) { // natives of tensorflow-lite-gpu missing: reported, not thrown
      return "TensorFlow Lite's GPU delegate does not load here (" + e + ")";
    }
  }

  /**
   * A GPU delegate that computes in float32: the delegate's default allows float16, which would not reproduce the
   * CPU's numbers ({@link org.mobiedit.backend.litert.accelerator.Accelerator#GPU} promises float32 and int8 weights
   * faithfully). The options class's setter lives in {@code tensorflow-lite-gpu-api}, which tensorflow-lite-gpu brings
   * to an app but Maven Central here does not serve to compile against, hence reflection (kept by the jar's R8 rules).
   */
  static Delegate gpuDelegate() throws ReflectiveOperationException {
    Class<?> options = Class.forName("org.tensorflow.lite.gpu.GpuDelegate$Options");
    Object o = options.getConstructor().newInstance();
    options.getMethod("setPrecisionLossAllowed", boolean.class).invoke(o, false);
    for (Constructor<?> c : GpuDelegate.class.getConstructors()) {
      if (c.getParameterCount() == 1 && c.getParameterTypes()[0].isAssignableFrom(options)) {
        return (Delegate) c.newInstance(o);
      }
    }
    throw new NoSuchMethodException("GpuDelegate(GpuDelegateFactory.Options)");
  }
}
