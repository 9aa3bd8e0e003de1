package org.mobiedit.backend.litert.runtime.javacpp;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorflowlite.global.tensorflowlite;
import org.jspecify.annotations.Nullable;

/** Whether the TFLite runtime's native library loads on this device, and its version. */
public final class TfliteRuntime {
  private TfliteRuntime() {}

  /** Null when the runtime loads; otherwise what is missing and what to add. Never throws. */
  public static @Nullable String loadProblem() {
    try {
      Loader.load(tensorflowlite.class);
      return null;
    } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError: reported, never thrown
      return "the TFLite runtime's native library does not load here (" + e + "): add"
          + " org.bytedeco:tensorflow-lite and org.bytedeco:javacpp with the classifier of this platform"
          + " (linux-x86_64, android-arm64, …)";
    }
  }

  /** The runtime's version string, e.g. {@code 2.21.0}. */
  public static String version() {
    return tensorflowlite.TfLiteVersion().getString();
  }
}
