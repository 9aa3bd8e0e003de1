package org.mobiedit.core.internal.format.gguf;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.RopeScaling;
import org.mobiedit.spi.TensorNames;

/**
 * Builds a {@link ModelSpec} from GGUF metadata ({@code general.architecture} llama or qwen2). Every number is read
 * through {@link GgufMetadata} (type and range checked), checked against the others and against the tensors the
 * file holds, and the spec is built (and so validated) before anything derives per-layer tensor names from it.
 */
public final class GgufModels {
  /** Largest rotary base accepted (real models use 1e4 to 1e7). */
  private static final double MAX_ROPE_THETA = 1e12;
  /** Largest linear rope scaling factor accepted. */
  private static final double MAX_ROPE_FACTOR = 1e6;
  /** Largest RMS norm epsilon accepted (real models use 1e-6 to 1e-5). */
  private static final double MAX_RMS_EPS = 1;
  /** Tensors every layer has: two norms, q, k, v, output, gate, up, down (plus three biases for qwen2). */
  private static final int TENSORS_PER_LAYER = 9;

  private GgufModels() {}

  public static ModelSpec spec(GgufFile gguf) {
    GgufMetadata md = new GgufMetadata(gguf);
    Path path = gguf.path();
    String arch = md.string("general.architecture").orElseThrow(() -> new MobiEditException(
        MobiEditException.Reason.MODEL_CORRUPT,
        path + " has no general.architecture metadata: it is not a model file (a vocabulary-only GGUF?)."));
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
            path + " holds a " + Excerpt.quoted(arch) + " model; supported GGUF architectures are llama and qwen2.");
    }
    if (findTensor(gguf, "rope_freqs.weight").isPresent()) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          path + " carries precomputed rope frequency factors (rope_freqs.weight, Llama 3.1+ scaling), which this"
              + " SDK does not read from GGUF yet: use the model's Hugging Face folder (its config.json rope_scaling"
              + " is supported).");
    }
    boolean bias = architecture == Architecture.QWEN2;
    int max = Integer.MAX_VALUE;
    int layers = md.requiredInt(arch + ".block_count", 1, max);
    checkLayersAgainstTensors(gguf, arch, layers, bias);
    int embd = md.requiredInt(arch + ".embedding_length", 1, max);
    int heads = md.requiredInt(arch + ".attention.head_count", 1, max);
    int kvHeads = md.intOr(arch + ".attention.head_count_kv", heads, 1, heads);
    if (heads % kvHeads != 0) {
      throw md.corrupt(arch + ".attention.head_count (" + heads + ") is not a multiple of "
          + arch + ".attention.head_count_kv (" + kvHeads + ")");
    }
    int headDim;
    if (md.has(arch + ".attention.key_length")) {
      headDim = md.requiredInt(arch + ".attention.key_length", 1, max);
    } else if (embd % heads == 0) {
      headDim = embd / heads;
    } else {
      throw md.corrupt(arch + ".embedding_length (" + embd + ") is not a multiple of " + arch
          + ".attention.head_count (" + heads + ") and " + arch + ".attention.key_length is absent");
    }
    if ((long) heads * headDim > max) {
      throw md.corrupt(arch + ".attention.head_count (" + heads + ") times the head dimension (" + headDim
          + ") is too large");
    }
    ModelSpec.Builder b = ModelSpec.builder()
        .architecture(architecture)
        .hiddenSize(embd)
        .intermediateSize(md.requiredInt(arch + ".feed_forward_length", 1, max))
        .layers(layers)
        .heads(heads)
        .kvHeads(kvHeads)
        .headDim(headDim)
        .vocabSize(md.has(arch + ".vocab_size") ? md.requiredInt(arch + ".vocab_size", 1, max)
            : vocabFromEmbedding(gguf))
        .contextLength(md.requiredInt(arch + ".context_length", 1, max))
        .rmsNormEps((float) md.positiveOr(arch + ".attention.layer_norm_rms_epsilon", 1e-5, MAX_RMS_EPS))
        .ropeTheta(md.positiveOr(arch + ".rope.freq_base", 10000, MAX_ROPE_THETA))
        .ropeLayout(layout)
        .tiedEmbeddings(!findTensor(gguf, TensorNames.OUTPUT).isPresent())
        .attentionBias(bias);
    Optional<String> scaling = md.string(arch + ".rope.scaling.type");
    if (scaling.isPresent() && !"none".equals(scaling.get())) {
      String type = scaling.get().toLowerCase(Locale.ROOT);
      if (type.equals("linear")) {
        b.ropeScaling(RopeScaling.linear(md.positiveOr(arch + ".rope.scaling.factor", 1, MAX_ROPE_FACTOR)));
      } else {
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            path + " uses rope scaling " + Excerpt.quoted(scaling.get()) + ", which is not supported in GGUF files"
                + " (linear is).");
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          path + ": " + e.getMessage() + ". Download or convert the model again.", e);
    }
  }

  /**
   * A layer count the file's tensors cannot hold is refused here, from the header alone, before the count is used
   * to make per-layer tensor names (a corrupt {@code block_count} of 2^31-1 would otherwise make billions).
   */
  private static void checkLayersAgainstTensors(GgufFile gguf, String arch, int layers, boolean bias) {
    long needed = (long) layers * (TENSORS_PER_LAYER + (bias ? 3 : 0)) + 2;
    if (needed > gguf.tensors().size()) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_INCONSISTENT,
          gguf.path() + ": " + arch + ".block_count says " + layers + " layers, which need at least " + needed
              + " tensors, but the file has " + gguf.tensors().size() + ". The metadata does not match the"
              + " weights: download or convert the model again.");
    }
  }

  private static int vocabFromEmbedding(GgufFile gguf) {
    GgufTensorInfo embedding = findTensor(gguf, TensorNames.TOKEN_EMBEDDING).orElseThrow(() ->
        new MobiEditException(MobiEditException.Reason.MODEL_INCONSISTENT,
            gguf.path() + " has no token_embd.weight tensor. Download or convert the model again."));
    long[] shape = embedding.shape();
    if (shape.length != 2 || shape[0] < 1 || shape[0] > Integer.MAX_VALUE) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_INCONSISTENT,
          gguf.path() + ": token_embd.weight has shape " + Arrays.toString(shape) + " instead of [vocabulary,"
              + " hidden size]. Download or convert the model again.");
    }
    return (int) shape[0];
  }

  private static Optional<GgufTensorInfo> findTensor(GgufFile gguf, String name) {
    return gguf.tensors().stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
