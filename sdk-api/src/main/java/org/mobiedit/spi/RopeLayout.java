package org.mobiedit.spi;

/**
 * How the two halves of each rotary pair are laid out in a query/key head. The same weights can be stored in either
 * layout (the q/k projection rows are permuted between them), so a backend must apply the rotation the model's
 * files were written for.
 */
public enum RopeLayout {
  /**
   * Hugging Face "rotate half": dimension {@code i} pairs with {@code i + headDim/2}. Used by HF Llama and Qwen2
   * checkpoints, and by GGUF Qwen2 files (llama.cpp's "neox" rope).
   */
  ROTATE_HALF,
  /**
   * The original Meta/llama.cpp layout: dimension {@code 2i} pairs with {@code 2i + 1}. Used by GGUF Llama files and
   * llama2.c checkpoints.
   */
  INTERLEAVED
}
