package org.mobiedit.tck;

import org.mobiedit.api.Precision;

/**
 * How close a backend's numbers must be to backend-cpu's in one precision.
 *
 * <p>{@code relative}: the largest absolute difference of a compared vector (the logits at one position, an MLP
 * output) divided by the largest absolute value of backend-cpu's vector. {@code top1}: the share of positions whose
 * argmax must agree. The defaults allow a different summation order everywhere and, for quantized precisions, a
 * different rounding of scales; a backend that needs more states it by overriding
 * {@link BackendCompatibilityKit#tolerance(Precision)} and says why in its documentation.
 *
 * @param relative the largest relative difference allowed
 * @param top1 the smallest share of agreeing argmaxes, in [0, 1]
 */
public record Tolerance(double relative, double top1) {
  public Tolerance {
    if (!(relative >= 0) || !(top1 >= 0 && top1 <= 1)) {
      throw new IllegalArgumentException("relative must be >= 0 and top1 within [0, 1]");
    }
  }

  /**
   * The kit's default for a precision: fp32 1e-4 / 100 %, int8 and int4 2e-3 / 98 % (both hold the same weights as
   * backend-cpu through the shared quantizers, so only summation order differs), int8-a16 1e-2 / 95 %, int8-dynamic
   * 2e-2 / 95 % (one product matches the shared rule to 1e-7, but an activation that a different summation order
   * puts on the other side of a rounding boundary moves by a whole level of its token's grid, and on the kit's tiny
   * models such moves add up to 1e-2 over the layers), int8-a8 8e-2 / 85 %.
   */
  public static Tolerance defaultFor(Precision p) {
    return switch (p) {
      case FP32 -> new Tolerance(1e-4, 1.0);
      case INT8, INT4 -> new Tolerance(2e-3, 0.98);
      case INT8_A16 -> new Tolerance(1e-2, 0.95);
      case INT8_DYNAMIC -> new Tolerance(2e-2, 0.95);
      case INT8_A8 -> new Tolerance(8e-2, 0.85);
    };
  }
}
