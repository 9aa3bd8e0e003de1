package org.mobiedit.spi;

/**
 * Decoder-only transformer families the SDK runs. Both are pre-norm (RMSNorm), rotary-position, gated-SiLU MLP
 * transformers with grouped-query attention; they differ in small, explicit ways recorded in {@link ModelSpec}
 * (Qwen2 has q/k/v biases and a large rope theta).
 */
public enum Architecture {
  /** Llama 2, Llama 3.x, TinyLlama, SmolLM, llama2.c models. */
  LLAMA,
  /** Qwen2 and Qwen2.5. */
  QWEN2
}
