package org.mobiedit.api;

import java.util.Locale;

/**
 * Which hardware a hardware backend should run its graphs on (backend-litert: NPU, GPU or CPU; backend-qnn: NPU or
 * CPU). {@link #AUTO} lets the backend choose the fastest that runs the precision faithfully; a named one that cannot
 * is refused at load with the reason. The backends' system properties ({@code mobiedit.litert.accelerator},
 * {@code mobiedit.qnn.provider}), when set, override this for tests and benchmarks. backend-cpu ignores it.
 */
public enum AcceleratorPreference {
  AUTO,
  NPU,
  GPU,
  CPU;

  /** The setting's spelling: {@code auto}, {@code npu}, {@code gpu}, {@code cpu}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
