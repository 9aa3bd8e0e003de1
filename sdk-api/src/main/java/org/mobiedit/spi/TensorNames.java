package org.mobiedit.spi;

/**
 * Canonical tensor names, independent of the file format (they follow GGUF's naming; Hugging Face names are
 * translated by the loader). Per-layer names take the layer index.
 */
public final class TensorNames {
  private TensorNames() {}

  public static final String TOKEN_EMBEDDING = "token_embd.weight";
  public static final String OUTPUT_NORM = "output_norm.weight";
  /** The LM head; absent when the model ties it to the token embedding. */
  public static final String OUTPUT = "output.weight";

  public static String attnNorm(int layer) {
    return "blk." + layer + ".attn_norm.weight";
  }

  public static String attnQ(int layer) {
    return "blk." + layer + ".attn_q.weight";
  }

  public static String attnK(int layer) {
    return "blk." + layer + ".attn_k.weight";
  }

  public static String attnV(int layer) {
    return "blk." + layer + ".attn_v.weight";
  }

  public static String attnQBias(int layer) {
    return "blk." + layer + ".attn_q.bias";
  }

  public static String attnKBias(int layer) {
    return "blk." + layer + ".attn_k.bias";
  }

  public static String attnVBias(int layer) {
    return "blk." + layer + ".attn_v.bias";
  }

  public static String attnOutput(int layer) {
    return "blk." + layer + ".attn_output.weight";
  }

  public static String ffnNorm(int layer) {
    return "blk." + layer + ".ffn_norm.weight";
  }

  public static String ffnGate(int layer) {
    return "blk." + layer + ".ffn_gate.weight";
  }

  public static String ffnUp(int layer) {
    return "blk." + layer + ".ffn_up.weight";
  }

  /** The MLP down-projection {@code W_down} ({@code [hidden, intermediate]}), the matrix an edit rewrites. */
  public static String ffnDown(int layer) {
    return "blk." + layer + ".ffn_down.weight";
  }
}
