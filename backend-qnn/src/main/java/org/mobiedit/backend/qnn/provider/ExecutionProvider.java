package org.mobiedit.backend.qnn.provider;

import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.placement.Hardware;

/**
 * Where ONNX Runtime runs the written graphs, in the order {@code auto} tries them. Each knows which precisions it
 * runs faithfully, that is with the numbers backend-cpu's reference mode gives for that precision.
 */
public enum ExecutionProvider implements Hardware {
  /**
   * The Hexagon NPU (HTP) of a Snapdragon SoC, through ONNX Runtime's QNN execution provider
   * ({@code onnxruntime-android-qnn}). It compiles integer graphs with static shapes: int8 weights with static int8 or
   * int16 activations, the SDK's int8-a8 and int8-a16.
   */
  NPU,
  /** ONNX Runtime's CPU execution provider (MLAS): every precision this backend writes. */
  CPU;

  /** Null when this provider runs {@code precision} faithfully; otherwise why not and what to choose instead. */
  @Override
  public @Nullable String refuses(Precision precision) {
    return this == CPU ? null : Hardware.unlessStaticIntegers("the HTP compiles", precision);
  }
}
