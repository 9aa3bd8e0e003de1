package org.mobiedit.core.format.hf;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.RopeScaling;

/** Reads a Hugging Face {@code config.json} (LlamaForCausalLM, Qwen2ForCausalLM) into a {@link ModelSpec}. */
public final class HfConfig {
  private HfConfig() {}

  /**
   * @param lmHeadPresent whether the weights contain {@code lm_head.weight} (used when the config does not say
   *     whether embeddings are tied)
   */
  public static ModelSpec read(Path configJson, boolean lmHeadPresent) {
    JsonObject c;
    try {
      c = org.mobiedit.core.json.StrictJson.parse(Files.readString(configJson, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + configJson + ": " + e.getMessage(), e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          configJson + " is not valid JSON (" + e.getMessage() + "). Restore the model's original config.json.");
    }
    String modelType = c.has("model_type") ? c.get("model_type").getAsString().toLowerCase(Locale.ROOT) : "";
    String archName = c.has("architectures") && c.getAsJsonArray("architectures").size() > 0
        ? c.getAsJsonArray("architectures").get(0).getAsString() : "";
    Architecture arch;
    if (modelType.equals("llama") || archName.equals("LlamaForCausalLM")) {
      arch = Architecture.LLAMA;
    } else if (modelType.equals("qwen2") || archName.equals("Qwen2ForCausalLM")) {
      arch = Architecture.QWEN2;
    } else {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          configJson + " describes a '" + (modelType.isEmpty() ? archName : modelType) + "' model ("
              + archName + "); supported architectures are llama (LlamaForCausalLM: Llama 2/3.x, TinyLlama,"
              + " SmolLM) and qwen2 (Qwen2ForCausalLM: Qwen2, Qwen2.5).");
    }
    java.util.List<String> missing = new java.util.ArrayList<>();
    for (String key : new String[] {"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "vocab_size"}) {
      if (!c.has(key) || c.get(key).isJsonNull()) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          configJson + " lacks " + String.join(", ", missing) + ", which every Llama/Qwen2 config has. Restore the"
              + " model's original config.json.");
    }
    int hidden = requiredInt(c, "hidden_size", configJson);
    int heads = requiredInt(c, "num_attention_heads", configJson);
    ModelSpec.Builder b = ModelSpec.builder()
        .architecture(arch)
        .hiddenSize(hidden)
        .intermediateSize(requiredInt(c, "intermediate_size", configJson))
        .layers(requiredInt(c, "num_hidden_layers", configJson))
        .heads(heads)
        .kvHeads(optInt(c, "num_key_value_heads", heads))
        .headDim(optInt(c, "head_dim", hidden / Math.max(1, heads)))
        .vocabSize(requiredInt(c, "vocab_size", configJson))
        .contextLength(optInt(c, "max_position_embeddings", 2048))
        .rmsNormEps((float) optDouble(c, "rms_norm_eps", 1e-6))
        .ropeTheta(optDouble(c, "rope_theta", 10000))
        .ropeLayout(RopeLayout.ROTATE_HALF)
        .tiedEmbeddings(c.has("tie_word_embeddings") && !c.get("tie_word_embeddings").isJsonNull()
            ? c.get("tie_word_embeddings").getAsBoolean()
            : !lmHeadPresent)
        .attentionBias(arch == Architecture.QWEN2 || (c.has("attention_bias") && c.get("attention_bias").getAsBoolean()));
    JsonElement rs = c.get("rope_scaling");
    if (rs != null && rs.isJsonObject()) {
      b.ropeScaling(ropeScaling(rs.getAsJsonObject(), configJson));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT, configJson + ": " + e.getMessage(), e);
    }
  }

  private static RopeScaling ropeScaling(JsonObject rs, Path configJson) {
    String type = rs.has("rope_type") ? rs.get("rope_type").getAsString()
        : rs.has("type") ? rs.get("type").getAsString() : "default";
    switch (type) {
      case "default":
        return RopeScaling.NONE;
      case "linear":
        return RopeScaling.linear(rs.get("factor").getAsDouble());
      case "llama3":
        try {
          return RopeScaling.llama3(rs.get("factor").getAsDouble(), rs.get("low_freq_factor").getAsDouble(),
              rs.get("high_freq_factor").getAsDouble(), rs.get("original_max_position_embeddings").getAsInt());
        } catch (NullPointerException | IllegalArgumentException e) {
          throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
              configJson + ": rope_scaling of type llama3 needs factor, low_freq_factor, high_freq_factor and"
                  + " original_max_position_embeddings (" + e.getMessage() + ").");
        }
      default:
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            configJson + " uses rope_scaling '" + type + "'; supported: llama3, linear.");
    }
  }

  private static int requiredInt(JsonObject c, String key, Path file) {
    JsonElement e = c.get(key);
    if (e == null || e.isJsonNull()) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          file + " lacks \"" + key + "\", which every Llama/Qwen2 config has. Restore the model's config.json.");
    }
    try {
      return e.getAsInt();
    } catch (RuntimeException ex) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          file + ": \"" + key + "\" must be an integer, found " + e + ".");
    }
  }

  private static int optInt(JsonObject c, String key, int fallback) {
    JsonElement e = c.get(key);
    return e == null || e.isJsonNull() ? fallback : e.getAsInt();
  }

  private static double optDouble(JsonObject c, String key, double fallback) {
    JsonElement e = c.get(key);
    return e == null || e.isJsonNull() ? fallback : e.getAsDouble();
  }
}
