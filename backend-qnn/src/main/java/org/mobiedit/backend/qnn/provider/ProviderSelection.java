package org.mobiedit.backend.qnn.provider;

import java.util.List;
import org.mobiedit.backend.graph.placement.HardwareSelection;

/**
 * Chooses the execution provider for a model by the rule every graph backend shares ({@link HardwareSelection}):
 * {@code auto} (the default) takes the NPU (QNN HTP) when ONNX Runtime offers it and the precision is a static integer
 * one (int8-a8, int8-a16), else the CPU provider, recording why the NPU was skipped; {@code npu} or {@code cpu} takes
 * that one or fails with the reason.
 *
 * <p>Setting: {@code -Dmobiedit.qnn.provider=auto|npu|cpu} or {@code MOBIEDIT_QNN_PROVIDER}.
 */
public final class ProviderSelection {
  public static final String PROPERTY = "mobiedit.qnn.provider";
  public static final String ENVIRONMENT = "MOBIEDIT_QNN_PROVIDER";

  /** The rule with this backend's setting and order (NPU, then CPU). */
  public static final HardwareSelection<ExecutionProvider> RULE = new HardwareSelection<>(
      "ONNX Runtime execution provider", PROPERTY, ENVIRONMENT, List.of(ExecutionProvider.values()));

  private ProviderSelection() {}
}
