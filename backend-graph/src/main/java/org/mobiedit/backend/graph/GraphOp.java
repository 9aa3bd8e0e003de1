package org.mobiedit.backend.graph;

/**
 * The operators a {@link Graph} holds: the ones the transformer's graphs need, each with one meaning that TFLite and
 * ONNX both express (an ONNX writer may spell one as a short sequence, for example a fully connected product as a
 * matrix product with the weight stored transposed). Their parameters are {@link Graph.Node} attributes, not tensors.
 */
public enum GraphOp {
  /** Element-wise, with numpy broadcasting. */
  ADD,
  SUB,
  MUL,
  MAXIMUM,
  /** {@code 1 / (1 + exp(-x))}. */
  LOGISTIC,
  /** {@code 1 / sqrt(x)}. */
  RSQRT,
  SQUARE,
  /** New static shape ({@link Graph.Node#ints()}). */
  RESHAPE,
  /** Axis permutation ({@link Graph.Node#ints()}). */
  TRANSPOSE,
  /** A block: begin {@link Graph.Node#ints()}, size {@link Graph.Node#sizes()}. */
  SLICE,
  /** Along {@link Graph.Node#axis()}. */
  CONCATENATION,
  /** Slices of input 0 along {@link Graph.Node#axis()} picked by the int32 input 1. */
  GATHER,
  /** Mean over the last axis, kept with size 1. */
  MEAN_LAST_AXIS,
  /** Softmax over the last axis. */
  SOFTMAX,
  /**
   * {@code x · wᵀ (+ bias)} over the last axis of {@code x}; {@code w} is {@code [out, in]}. With an int8 weight the
   * product is the runtime's dynamically quantized one (each input token rounded to its own int8 grid).
   */
  FULLY_CONNECTED,
  /** Batched {@code a · b} or {@code a · bᵀ} ({@link Graph.Node#transposeB()}) over the last two axes. */
  BATCH_MATMUL,
  /** Rounds to a symmetric int8/int16 grid; the output tensor carries the scale. */
  QUANTIZE,
  /** The float32 values of an int8 constant (per-row scales) or of a quantized activation. */
  DEQUANTIZE,
  /** Element-wise conversion of the values to the output type. */
  CAST
}
