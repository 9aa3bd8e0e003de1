package org.mobiedit.spi;

/**
 * Optional abilities a backend reports in {@link Backend#capabilities()}. Callers check before they use an optional
 * operation; the compatibility kit skips checks of capabilities a backend does not claim.
 */
public enum Capability {
  /** Runs models with float32 activations and weights dequantized from the file. */
  PRECISION_FP32,
  /** Runs models with int8 per-output-channel weights and float activations. */
  PRECISION_INT8,
  /** Runs models with int8 weights and static int8 activations (NPU-faithful). */
  PRECISION_INT8_A8,
  /** Runs models with int8 weights and static int16 activations. */
  PRECISION_INT8_A16,
  /** Runs models with int8 weights and int8 activations quantized per token at run time. */
  PRECISION_INT8_DYNAMIC,
  /** Runs models with 4-bit block weights ({@link org.mobiedit.spi.numerics.FourBitBlocks}) and float activations. */
  PRECISION_INT4,
  /** Incremental decoding with a key/value cache ({@link BackendModel#newSequence(int)}). */
  KV_CACHE,
  /** Batched forward of several rows of different lengths in one call ({@link BackendModel#forward}). */
  BATCHED_FORWARD,
  /** Reading the MLP key and output of a layer ({@link BackendModel#captureMlp}). */
  LAYER_CAPTURE,
  /** Injecting deltas at a layer's MLP output, with or without a prefix state ({@link BackendModel#resume}). */
  RESUME_WITH_INJECTION,
  /** Rank-one updates of {@code W_down} kept in float ({@link BackendModel#applyRankOne}). */
  RANK_ONE_UPDATE
}
