package org.mobiedit.spi.numerics;

/**
 * The tensors of a decoder layer that static activation quantization rounds ({@link org.mobiedit.api.Precision#INT8_A8},
 * {@link org.mobiedit.api.Precision#INT8_A16}), in the order the forward pass meets them: every tensor that enters a
 * matrix product, as a phone NPU runs a compiled graph. The residual stream, norms, rotary embedding, softmax and the
 * rank-one side terms stay float. One more point follows the last layer: the normed input of the LM head.
 *
 * <p>Every backend numbers the points the same way, {@code layer · PER_LAYER + ordinal}, then the LM head's input, so
 * that one array of scales ({@link ActivationScales}) means the same on all of them.
 */
public enum ActivationPoint {
  /** The normed input of the q/k/v projections. */
  ATTENTION_INPUT,
  /** The rotated queries. */
  QUERY,
  /** The rotated keys. */
  KEY,
  /** The values. */
  VALUE,
  /** The input of the attention's output projection. */
  ATTENTION_OUTPUT,
  /** The normed input of the gate and up projections. */
  MLP_INPUT,
  /** The input of {@code W_down}: {@code SiLU(gate)·up}, the MLP key. */
  DOWN_INPUT;

  /** Points per decoder layer. */
  public static final int PER_LAYER = values().length;

  /** This point's index in layer {@code layer}. */
  public int index(int layer) {
    return layer * PER_LAYER + ordinal();
  }

  /** The index of the LM head's input in a model of {@code layers} decoder layers: the last one. */
  public static int lmHeadIndex(int layers) {
    return layers * PER_LAYER;
  }

  /** All points of a model of {@code layers} decoder layers, the LM head's input included. */
  public static int count(int layers) {
    return layers * PER_LAYER + 1;
  }
}
