package org.mobiedit.backend.litert.runtime.android;

import org.jspecify.annotations.Nullable;

/**
 * {@link AndroidDevice#current()}: the Android version read by reflection (this jar does not compile against
 * Android's classes), class presence by name, and TensorFlow Lite's own answers ({@link OfficialRuntime}), each asked
 * once and kept: loading natives and probing the GPU cost time.
 */
final class InstalledDevice implements AndroidDevice {
  static final InstalledDevice INSTANCE = new InstalledDevice();

  private volatile @Nullable Answer nativeProblem;
  private volatile @Nullable Answer gpuProblem;

  /** A remembered answer that may be null. */
  private record Answer(@Nullable String problem) {}

  private InstalledDevice() {}

  @Override
  public int sdkInt() {
    try {
      return Class.forName("android.os.Build$VERSION").getField("SDK_INT").getInt(null);
    } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
      return 0; // not Android
    }
  }

  @Override
  public boolean hasClass(String name) {
    try {
      Class.forName(name, false, InstalledDevice.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public @Nullable String nativeProblem() {
    Answer a = nativeProblem;
    if (a == null) {
      a = new Answer(OfficialRuntime.nativeProblem());
      nativeProblem = a;
    }
    return a.problem();
  }

  @Override
  public String runtimeVersion() {
    return OfficialRuntime.version();
  }

  @Override
  public @Nullable String gpuProblem() {
    Answer a = gpuProblem;
    if (a == null) {
      a = new Answer(hasClass(GPU_DELEGATE) ? OfficialRuntime.gpuProblem()
          : "the app does not hold TensorFlow Lite's GPU delegate (add org.tensorflow:tensorflow-lite-gpu)");
      gpuProblem = a;
    }
    return a.problem();
  }
}
