package org.mobiedit.core.format.gguf;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.RopeScaling;
import org.mobiedit.spi.TensorNames;

/** Builds a {@link ModelSpec} from GGUF metadata ({@code general.architecture} llama or qwen2). */
public final class GgufModels {
  private GgufModels() {}

  public static ModelSpec spec(GgufFile gguf) {
    Map<String, Object> md = gguf.metadata();
    Path path = gguf.path();
    Object archValue = md.get("general.architecture");
    if (!(archValue instanceof String)) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          path + " has no general.architecture metadata: it is not a model file (a vocabulary-only GGUF?).");
    }
    String arch = (String) archValue;
    Architecture architecture;
    RopeLayout layout;
    switch (arch) {
      case "llama":
        architecture = Architecture.LLAMA;
        // llama.cpp's converter permutes q/k rows back to Meta's interleaved layout.
        layout = RopeLayout.INTERLEAVED;
        break;
      case "qwen2":
        architecture = Architecture.QWEN2;
        layout = RopeLayout.ROTATE_HALF;
        break;
      default:
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            path + " holds a '" + arch + "' model; supported GGUF architectures are llama and qwen2.");
    }
    if (gguf.tensors().stream().anyMatch(t -> t.name().equals("rope_freqs.weight"))) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          path + " carries precomputed rope frequency factors (rope_freqs.weight, Llama 3.1+ scaling), which this"
              + " SDK does not read from GGUF yet: use the model's Hugging Face folder (its config.json rope_scaling"
              + " is supported).");
    }
    int embd = intValue(md, arch + ".embedding_length", path);
    int heads = intValue(md, arch + ".attention.head_count", path);
    int vocab = md.containsKey(arch + ".vocab_size") ? intValue(md, arch + ".vocab_size", path)
        : gguf.tensors().stream().filter(t -> t.name().equals(TensorNames.TOKEN_EMBEDDING))
            .mapToInt(t -> (int) t.shape()[0]).findFirst()
            .orElseThrow(() -> new MobiEditException(MobiEditException.Reason.MODEL_INCONSISTENT,
                path + " has no token_embd.weight tensor."));
    ModelSpec.Builder b = ModelSpec.builder()
        .architecture(architecture)
        .hiddenSize(embd)
        .intermediateSize(intValue(md, arch + ".feed_forward_length", path))
        .layers(intValue(md, arch + ".block_count", path))
        .heads(heads)
        .kvHeads(md.containsKey(arch + ".attention.head_count_kv")
            ? intValue(md, arch + ".attention.head_count_kv", path) : heads)
        .headDim(md.containsKey(arch + ".attention.key_length")
            ? intValue(md, arch + ".attention.key_length", path) : embd / heads)
        .vocabSize(vocab)
        .contextLength(intValue(md, arch + ".context_length", path))
        .rmsNormEps((float) doubleValue(md, arch + ".attention.layer_norm_rms_epsilon", 1e-5))
        .ropeTheta(doubleValue(md, arch + ".rope.freq_base", 10000))
        .ropeLayout(layout)
        .tiedEmbeddings(gguf.tensors().stream().noneMatch(t -> t.name().equals(TensorNames.OUTPUT)))
        .attentionBias(architecture == Architecture.QWEN2);
    Object scaling = md.get(arch + ".rope.scaling.type");
    if (scaling instanceof String && !"none".equals(scaling)) {
      String type = ((String) scaling).toLowerCase(Locale.ROOT);
      if (type.equals("linear")) {
        b.ropeScaling(RopeScaling.linear(doubleValue(md, arch + ".rope.scaling.factor", 1)));
      } else {
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            path + " uses rope scaling '" + scaling + "', which is not supported in GGUF files (linear is).");
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT, path + ": " + e.getMessage(), e);
    }
  }

  private static int intValue(Map<String, Object> md, String key, Path path) {
    Object v = md.get(key);
    if (!(v instanceof Long)) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          path + " lacks the integer metadata " + key + ", which a model file must have.");
    }
    return Math.toIntExact((Long) v);
  }

  private static double doubleValue(Map<String, Object> md, String key, double fallback) {
    Object v = md.get(key);
    if (v instanceof Double) {
      return (Double) v;
    }
    if (v instanceof Long) {
      return (Long) v;
    }
    return fallback;
  }
}
