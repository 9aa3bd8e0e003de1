package org.mobiedit.api;

import java.util.Locale;

/**
 * The numeric precision a model is run in.
 *
 * <ul>
 *   <li>{@link #FP32}: weights dequantized to float32 as they are read, float32 activations (the reference).
 *   <li>{@link #INT8}: every linear layer's weights quantized to int8, symmetric, one scale per output channel;
 *       float32 activations.
 *   <li>{@link #INT8_A8}: int8 weights and static int8 activations with calibrated per-tensor scales: what a phone
 *       NPU runs. Available where the backend reports the capability.
 *   <li>{@link #INT8_A16}: int8 weights and static int16 activations (the NPUs' higher-accuracy mode).
 *   <li>{@link #INT8_DYNAMIC}: int8 weights as in {@link #INT8}, and the input of every matrix product quantized to
 *       int8 per token while the model runs (asymmetric, from the token's own range:
 *       {@link org.mobiedit.spi.numerics.DynamicActivations}), products summed over integers: what llama.cpp's q8_0
 *       and XNNPACK's dynamically quantized kernels compute, and the fastest CPU route where a backend runs it
 *       natively. Nothing to calibrate.
 *   <li>{@link #INT4}: 4-bit weights in blocks of 32 ({@link org.mobiedit.spi.numerics.FourBitBlocks}), float32
 *       activations. Tensors a GGUF file stores as Q4_0 or Q4_K are kept exactly as stored, so a 4-bit file computes
 *       the same numbers as in {@link #FP32} at a seventh of the memory; float matrices are quantized to Q4_0
 *       blocks, and matrices a file stores with more bits (Q8_0, Q6_K) become int8, as in {@link #INT8}.
 * </ul>
 *
 * <p>Static activation scales are calibrated on real tokens ({@code BackendModel.calibrateActivations}); the editor
 * calibrates on each edit's own rows, as an on-device graph would be compiled for the edit.
 */
public enum Precision {
  FP32("fp32"),
  INT8("int8"),
  INT8_A8("int8-a8"),
  INT8_A16("int8-a16"),
  INT8_DYNAMIC("int8-dynamic"),
  INT4("int4");

  private final String id;

  Precision(String id) {
    this.id = id;
  }

  /**
   * The short id used on the command line and in files: {@code fp32}, {@code int8}, {@code int8-a8},
   * {@code int8-a16}, {@code int8-dynamic}, {@code int4}.
   */
  public String getId() {
    return id;
  }

  /** Whether activations are quantized with static, calibrated scales ({@link #INT8_A8}, {@link #INT8_A16}). */
  public boolean quantizesActivations() {
    return this == INT8_A8 || this == INT8_A16;
  }

  /** Whether matrix products quantize their inputs per token as they run ({@link #INT8_DYNAMIC}). */
  public boolean quantizesActivationsDynamically() {
    return this == INT8_DYNAMIC;
  }

  /** Whether the linear layers' weights are stored as integers (int8, or 4-bit for {@link #INT4}). */
  public boolean quantizesWeights() {
    return this != FP32;
  }

  /** Parses an id as printed by {@link #getId()}, case-insensitively. */
  public static Precision fromId(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Precision p : values()) {
      if (p.id.equals(wanted)) {
        return p;
      }
    }
    throw new MobiEditException(
        MobiEditException.Reason.INVALID_REQUEST,
        "Unknown precision '" + id + "': use one of fp32, int8, int8-a8, int8-a16, int8-dynamic, int4.");
  }
}
