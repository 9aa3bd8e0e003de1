package org.mobiedit.core.internal.format.hf;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mobiedit.spi.TensorNames;

/** Translates Hugging Face Llama/Qwen2 tensor names into the SDK's canonical (GGUF-style) names. */
public final class HfNames {
  private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");

  private HfNames() {}

  /** The canonical name, or null for a tensor the SDK does not use (e.g. rotary inv_freq buffers). */
  public static @Nullable String canonical(String hf) {
    switch (hf) {
      case "model.embed_tokens.weight":
        return TensorNames.TOKEN_EMBEDDING;
      case "model.norm.weight":
        return TensorNames.OUTPUT_NORM;
      case "lm_head.weight":
        return TensorNames.OUTPUT;
      default:
        break;
    }
    Matcher m = LAYER.matcher(hf);
    if (!m.matches()) {
      return null;
    }
    String suffix;
    switch (m.group(2)) {
      case "input_layernorm.weight": suffix = "attn_norm.weight"; break;
      case "self_attn.q_proj.weight": suffix = "attn_q.weight"; break;
      case "self_attn.k_proj.weight": suffix = "attn_k.weight"; break;
      case "self_attn.v_proj.weight": suffix = "attn_v.weight"; break;
      case "self_attn.q_proj.bias": suffix = "attn_q.bias"; break;
      case "self_attn.k_proj.bias": suffix = "attn_k.bias"; break;
      case "self_attn.v_proj.bias": suffix = "attn_v.bias"; break;
      case "self_attn.o_proj.weight": suffix = "attn_output.weight"; break;
      case "post_attention_layernorm.weight": suffix = "ffn_norm.weight"; break;
      case "mlp.gate_proj.weight": suffix = "ffn_gate.weight"; break;
      case "mlp.up_proj.weight": suffix = "ffn_up.weight"; break;
      case "mlp.down_proj.weight": suffix = "ffn_down.weight"; break;
      default: return null;
    }
    return "blk." + m.group(1) + "." + suffix;
  }
}
