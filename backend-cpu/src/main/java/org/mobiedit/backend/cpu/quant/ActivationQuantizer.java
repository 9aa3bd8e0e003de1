package org.mobiedit.backend.cpu.quant;

import org.jspecify.annotations.Nullable;
import org.mobiedit.spi.numerics.ActivationPoint;
import org.mobiedit.spi.numerics.ActivationScales;
import org.mobiedit.spi.numerics.SymmetricGrid;

/**
 * Static activation quantization, as a phone NPU runs a compiled graph: every tensor that enters a matrix product
 * (the {@link ActivationPoint}s of each layer, and the normed input of the LM head) is rounded to a symmetric int8 or
 * int16 grid with one scale per tensor, fixed by calibration, and saturates outside it.
 *
 * <p>It is simulated as quantize-then-dequantize ({@link SymmetricGrid#snap}: {@code x' = clamp(round(x / s)) · s})
 * in front of the float kernels: the products then equal an integer product rescaled by the scales, up to float
 * rounding of the sum. The residual stream, norms, rotary embedding, softmax and the rank-one side terms stay float.
 *
 * <p>Calibration observes the float activations of real tokens and sets the scales by the rule every backend shares
 * ({@link ActivationScales}); until a model is calibrated, its first forward pass calibrates on its own input. Scales
 * are replaced as a whole, so readers on other threads see either the old or the new set. Calibration itself is not
 * thread-safe: the model runs it under its lock, with no other pass running.
 */
public final class ActivationQuantizer {
  private final SymmetricGrid grid;
  private final int layers;
  private volatile @Nullable ActivationScales scales;
  /** What calibration has seen so far; null when not calibrating. */
  private ActivationScales.@Nullable Calibration calibration;

  /**
   * @param grid {@link SymmetricGrid#INT8} or {@link SymmetricGrid#INT16}
   * @param layers decoder layers of the model
   */
  public ActivationQuantizer(SymmetricGrid grid, int layers) {
    this.grid = grid;
    this.layers = layers;
  }

  public boolean calibrated() {
    return scales != null;
  }

  public boolean calibrating() {
    return calibration != null;
  }

  /** Starts observing: until {@link #finishCalibration()}, {@link #apply} records magnitudes and leaves values. */
  public void startCalibration() {
    calibration = ActivationScales.calibration(layers);
  }

  /** Fixes the scales from what was observed since {@link #startCalibration()}. */
  public void finishCalibration() {
    ActivationScales.Calibration seen = calibration;
    if (seen == null) {
      throw new IllegalStateException("calibration was not started");
    }
    calibration = null;
    scales = seen.finish(grid);
  }

  /** The scales in force; null before calibration. */
  public @Nullable ActivationScales scales() {
    return scales;
  }

  /**
   * Puts back scales read by {@link #scales()} (null: not calibrated). Not while calibrating.
   *
   * @throws IllegalArgumentException for scales of another grid or model size
   */
  public void restore(@Nullable ActivationScales saved) {
    if (saved != null && !saved.fits(grid, layers)) {
      throw new IllegalArgumentException(saved + " do not belong to a model of " + layers + " layers on " + grid);
    }
    if (calibration != null) {
      throw new IllegalStateException("cannot restore scales while calibrating");
    }
    scales = saved;
  }

  /** The scale of a point (for tests and reports); NaN before calibration. */
  public float scale(int layer, ActivationPoint point) {
    ActivationScales s = scales;
    return s == null ? Float.NaN : s.scale(layer, point);
  }

  /** The scale of the LM head's input; NaN before calibration. */
  public float headScale() {
    ActivationScales s = scales;
    return s == null ? Float.NaN : s.lmHeadScale();
  }

  /** Observes (while calibrating) or quantizes {@code x[0 .. length)} at {@code point} of {@code layer}. */
  public void apply(int layer, ActivationPoint point, float[] x, int length) {
    apply(point.index(layer), x, length);
  }

  /** The LM head's input. */
  public void applyHead(float[] x, int length) {
    apply(ActivationPoint.lmHeadIndex(layers), x, length);
  }

  private void apply(int index, float[] x, int length) {
    ActivationScales.Calibration seen = calibration;
    if (seen != null) {
      seen.observe(index, x, 0, length);
      return;
    }
    ActivationScales s = scales;
    if (s == null) {
      throw new IllegalStateException("activation scales are not calibrated");
    }
    grid.snap(x, 0, length, s.get(index));
  }
}
