package org.mobiedit.backend.litert.accelerator;

import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.placement.Hardware;

/**
 * The hardware a written graph can run on, in the order {@code auto} tries them. Each knows which precisions it runs
 * faithfully, that is with the numbers backend-cpu's reference mode gives for that precision.
 */
public enum Accelerator implements Hardware {
  /**
   * The phone's neural processor, through LiteRT's NPU accelerators (Qualcomm AI Engine Direct, MediaTek NeuroPilot).
   * They run integer graphs: int8 weights with static int8 or int16 activations, the SDK's int8-a8 and int8-a16.
   */
  NPU,
  /**
   * The phone's GPU, through LiteRT's GPU accelerator (OpenCL). It computes in floating point, so it runs float32 and
   * int8 weights (dequantized in the graph), not the static integer activations an NPU needs.
   */
  GPU,
  /**
   * The CPU, through XNNPACK. Every precision; int8-dynamic runs on XNNPACK's dynamically quantized integer kernels.
   */
  CPU;

  /** Null when this accelerator runs {@code precision} faithfully; otherwise why not and what to choose instead. */
  @Override
  public @Nullable String refuses(Precision precision) {
    return switch (this) {
      case NPU -> Hardware.unlessStaticIntegers("NPUs run", precision);
      case GPU -> precision.quantizesActivations() || precision.quantizesActivationsDynamically()
          ? "the GPU computes in floating point and would not reproduce the "
              + (precision.quantizesActivations() ? "static" : "per-token") + " integer activations of "
              + precision.getId() + " (choose fp32 or int8, or the NPU)"
          : null;
      case CPU -> null;
    };
  }
}
