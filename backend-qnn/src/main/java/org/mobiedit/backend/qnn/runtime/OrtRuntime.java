package org.mobiedit.backend.qnn.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.graph.placement.HardwareProbe;
import org.mobiedit.backend.qnn.provider.ExecutionProvider;

/**
 * ONNX Runtime as this process has it: whether its native library loads, and which execution providers its build
 * offers ({@link OrtEnvironment#getAvailableProviders()}: the desktop artifact offers the CPU provider; Microsoft's
 * {@code onnxruntime-android-qnn} adds QNN).
 */
public final class OrtRuntime implements HardwareProbe<ExecutionProvider> {
  private static volatile @Nullable String loadProblem;
  private static volatile boolean checked;

  /** Null when ONNX Runtime's native library loads here; otherwise why not. */
  public static @Nullable String loadProblem() {
    if (!checked) {
      synchronized (OrtRuntime.class) {
        if (!checked) {
          try {
            OrtEnvironment.getEnvironment();
          } catch (Throwable e) { // UnsatisfiedLinkError and friends: no native library for this platform
            loadProblem = "ONNX Runtime's native library does not load on this platform (" + e + "): add the"
                + " onnxruntime artifact for it (com.microsoft.onnxruntime:onnxruntime on desktops,"
                + " onnxruntime-android or onnxruntime-android-qnn on Android).";
          }
          checked = true;
        }
      }
    }
    return loadProblem;
  }

  /** The providers this ONNX Runtime build offers (empty when it does not load). */
  public static EnumSet<OrtProvider> availableProviders() {
    if (loadProblem() != null) {
      return EnumSet.noneOf(OrtProvider.class);
    }
    return OrtEnvironment.getAvailableProviders();
  }

  @Override
  public @Nullable String unavailable(ExecutionProvider provider) {
    String problem = loadProblem();
    if (problem != null) {
      return problem;
    }
    return unavailable(provider, availableProviders());
  }

  /** Why {@code provider} cannot be used when ONNX Runtime offers {@code offered}, or null. */
  public static @Nullable String unavailable(ExecutionProvider provider, EnumSet<OrtProvider> offered) {
    OrtProvider needed = provider == ExecutionProvider.NPU ? OrtProvider.QNN : OrtProvider.CPU;
    if (offered.contains(needed)) {
      return null;
    }
    return provider == ExecutionProvider.NPU
        ? "this ONNX Runtime build has no QNN execution provider (it offers " + offered + "); on a Snapdragon phone"
            + " use com.microsoft.onnxruntime:onnxruntime-android-qnn"
        : "this ONNX Runtime build has no CPU execution provider (it offers " + offered + ")";
  }
}
