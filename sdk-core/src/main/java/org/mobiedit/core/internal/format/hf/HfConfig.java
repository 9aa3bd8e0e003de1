package org.mobiedit.core.internal.format.hf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.json.JsonSource;
import org.mobiedit.core.internal.json.JsonValue;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.RopeScaling;

/**
 * Reads a Hugging Face {@code config.json} (LlamaForCausalLM, Qwen2ForCausalLM) into a {@link ModelSpec}. Every
 * field is read with its type and range checked; a bad one is {@code MODEL_CORRUPT} naming the field.
 */
public final class HfConfig {
  /** A config.json is a few kilobytes; 16 MiB leaves room for configs that embed large quantisation tables. */
  public static final long MAX_BYTES = 16L << 20;

  private static final String[] REQUIRED = {"hidden_size", "intermediate_size", "num_hidden_layers",
      "num_attention_heads", "vocab_size"};

  private HfConfig() {}

  /**
   * @param lmHeadPresent whether the weights contain {@code lm_head.weight} (used when the config does not say
   *     whether embeddings are tied)
   */
  public static ModelSpec read(Path configJson, boolean lmHeadPresent) {
    JsonSource source = new JsonSource(configJson.toString(), MobiEditException.Reason.MODEL_CORRUPT,
        "Restore the model's original config.json.");
    JsonValue c;
    try {
      c = JsonValue.read(configJson, MAX_BYTES, source);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + configJson + ": " + e.getMessage(), e);
    }
    c.object();
    Architecture arch = architecture(c, configJson);
    List<String> missing = new ArrayList<>();
    for (String key : REQUIRED) {
      if (!c.field(key).isPresent()) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      throw source.problem("lacks " + String.join(", ", missing) + ", which every Llama/Qwen2 config has");
    }
    int hidden = c.field("hidden_size").intIn(1, ModelSpec.MAX_HIDDEN_SIZE);
    int heads = c.field("num_attention_heads").intIn(1, ModelSpec.MAX_HEADS);
    ModelSpec.Builder b = ModelSpec.builder()
        .architecture(arch)
        .hiddenSize(hidden)
        .intermediateSize(c.field("intermediate_size").intIn(1, ModelSpec.MAX_INTERMEDIATE_SIZE))
        .layers(c.field("num_hidden_layers").intIn(1, ModelSpec.MAX_LAYERS))
        .heads(heads)
        .kvHeads(c.field("num_key_value_heads").intOr(heads, 1, ModelSpec.MAX_HEADS))
        .headDim(c.field("head_dim").intOr(hidden / heads, 1, ModelSpec.MAX_HEAD_DIM))
        .vocabSize(c.field("vocab_size").intIn(1, ModelSpec.MAX_VOCAB_SIZE))
        .contextLength(c.field("max_position_embeddings").intOr(2048, 1, ModelSpec.MAX_CONTEXT_LENGTH))
        .rmsNormEps((float) c.field("rms_norm_eps").positiveNumberOr(1e-6))
        .ropeTheta(c.field("rope_theta").positiveNumberOr(10000))
        .ropeLayout(RopeLayout.ROTATE_HALF)
        .tiedEmbeddings(c.field("tie_word_embeddings").boolOr(!lmHeadPresent))
        .attentionBias(c.field("attention_bias").boolOr(false) || arch == Architecture.QWEN2);
    JsonValue rs = c.field("rope_scaling");
    if (rs.isPresent()) {
      b.ropeScaling(ropeScaling(rs, configJson));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT, configJson + ": " + e.getMessage()
          + ". " + source.remedy(), e);
    }
  }

  /** From {@code model_type}, else the first of {@code architectures}; both optional, null meaning absent. */
  private static Architecture architecture(JsonValue c, Path configJson) {
    String modelType = c.field("model_type").isPresent()
        ? c.field("model_type").string().toLowerCase(Locale.ROOT) : "";
    List<String> names = c.field("architectures").isPresent() ? c.field("architectures").strings()
        : Collections.<String>emptyList();
    String archName = names.isEmpty() ? "" : names.get(0);
    if (modelType.equals("llama") || archName.equals("LlamaForCausalLM")) {
      return Architecture.LLAMA;
    }
    if (modelType.equals("qwen2") || archName.equals("Qwen2ForCausalLM")) {
      return Architecture.QWEN2;
    }
    throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
        configJson + " describes a " + Excerpt.quoted(modelType.isEmpty() ? archName : modelType) + " model ("
            + Excerpt.quoted(archName) + "); supported architectures are llama (LlamaForCausalLM: Llama 2/3.x,"
            + " TinyLlama, SmolLM) and qwen2 (Qwen2ForCausalLM: Qwen2, Qwen2.5).");
  }

  private static RopeScaling ropeScaling(JsonValue rs, Path configJson) {
    rs.object();
    String type = rs.field("rope_type").isPresent() ? rs.field("rope_type").string()
        : rs.field("type").isPresent() ? rs.field("type").string() : "default";
    switch (type) {
      case "default":
        return RopeScaling.NONE;
      case "linear":
        return RopeScaling.linear(rs.field("factor").positiveNumber());
      case "llama3": {
        double factor = rs.field("factor").positiveNumber();
        double low = rs.field("low_freq_factor").positiveNumber();
        JsonValue highField = rs.field("high_freq_factor");
        double high = highField.positiveNumber();
        int original = rs.field("original_max_position_embeddings").intIn(1, ModelSpec.MAX_CONTEXT_LENGTH);
        if (!(high > low)) {
          throw highField.problem("must be greater than low_freq_factor (" + low + "), found " + high);
        }
        return RopeScaling.llama3(factor, low, high, original);
      }
      default:
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            configJson + " uses rope_scaling " + Excerpt.quoted(type) + "; supported: llama3, linear.");
    }
  }
}
