package org.mobiedit.tools.synthetic;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.tokenizer.ByteAlphabet;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeScaling;
import org.mobiedit.spi.TensorNames;
import org.mobiedit.tools.writer.GgufWriter;
import org.mobiedit.tools.writer.SafetensorsWriter;
import org.mobiedit.tools.writer.TensorValues;

/**
 * Models with the real shapes of known architectures and seeded random weights, for benchmarks and memory checks.
 * They know nothing; their tokenizer is byte-level BPE without merges (one token per byte) padded to the real
 * vocabulary size, unless a real tokenizer's files are given ({@link #writeHf(ModelSpec, Path, long, DType, Path)},
 * {@link #writeGguf(ModelSpec, Path, long, DType, Path)}), so that benchmark rows have the token counts real text
 * has. The same shape and seed always give the same bytes. Written tensor by tensor, so the 3B shapes (6-12 GB) never
 * sit in memory.
 */
public final class SyntheticModel {
  private SyntheticModel() {}

  /** The known shapes. */
  public static Map<String, ModelSpec> shapes() {
    Map<String, ModelSpec> m = new LinkedHashMap<>();
    m.put("qwen2.5-0.5b", ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(896)
        .intermediateSize(4864).layers(24).heads(14).kvHeads(2).vocabSize(151936).contextLength(32768)
        .ropeTheta(1e6).rmsNormEps(1e-6f).tiedEmbeddings(true).attentionBias(true).build());
    m.put("qwen2.5-3b", ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(2048)
        .intermediateSize(11008).layers(36).heads(16).kvHeads(2).vocabSize(151936).contextLength(32768)
        .ropeTheta(1e6).rmsNormEps(1e-6f).tiedEmbeddings(true).attentionBias(true).build());
    m.put("llama-3.2-3b", ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(3072)
        .intermediateSize(8192).layers(28).heads(24).kvHeads(8).vocabSize(128256).contextLength(131072)
        .ropeTheta(500000).rmsNormEps(1e-5f).tiedEmbeddings(true)
        .ropeScaling(RopeScaling.llama3(32, 1, 4, 8192)).build());
    m.put("llama-0.5b-32k", ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(1024)
        .intermediateSize(2816).layers(24).heads(16).kvHeads(16).vocabSize(32000).contextLength(4096)
        .ropeTheta(10000).rmsNormEps(1e-5f).tiedEmbeddings(false).build());
    return m;
  }

  /** The spec of a named shape. */
  public static ModelSpec shape(String name) {
    ModelSpec s = shapes().get(name);
    if (s == null) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Unknown shape '" + name + "': known shapes are " + String.join(", ", shapes().keySet()) + ".");
    }
    return s;
  }

  /** Writes a Hugging Face folder (config.json, model.safetensors, tokenizer.json) for a named shape. */
  public static void writeHf(String shape, Path dir, long seed, DType dtype) {
    writeHf(shape(shape), dir, seed, dtype);
  }

  /** Writes a Hugging Face folder for any spec (rotate-half layout), with the one-token-per-byte tokenizer. */
  public static void writeHf(ModelSpec spec, Path dir, long seed, DType dtype) {
    writeHf(spec, dir, seed, dtype, null);
  }

  /** Tokenizer files of a Hugging Face folder, as the SDK's tokenizer locator reads them. */
  private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "vocab.json", "merges.txt",
      "tokenizer_config.json", "added_tokens.json", "special_tokens_map.json");

  /**
   * Writes a Hugging Face folder for any spec (rotate-half layout) with a real tokenizer: the tokenizer files of
   * {@code tokenizerFolder} ({@code tokenizer.json}, or {@code vocab.json} + {@code merges.txt}, with their
   * configuration files) are copied in, and tokenizer files of other names already in {@code dir} are removed.
   *
   * @param tokenizerFolder a folder with a Hugging Face tokenizer, or null for the one-token-per-byte tokenizer
   * @throws MobiEditException {@code INVALID_REQUEST} when the folder has no tokenizer or its ids do not fit the
   *     spec's vocabulary (checked before anything is written)
   */
  public static void writeHf(ModelSpec spec, Path dir, long seed, DType dtype, @Nullable Path tokenizerFolder) {
    if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Hugging Face folders hold f32, f16 or bf16 weights, not " + dtype + ": use --format gguf for the block"
              + " types q8_0, q4_0 and q4_k.");
    }
    if (tokenizerFolder != null) {
      if (Files.isRegularFile(tokenizerFolder)) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, tokenizerFolder + " is a file: a"
            + " tokenizer taken from a GGUF file can only be written into a GGUF model (--format gguf); a Hugging Face"
            + " folder needs tokenizer files.");
      }
      checkTokenizer(tokenizerFolder, spec.vocabSize());
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.json"), config(spec), StandardCharsets.UTF_8);
      if (tokenizerFolder == null) {
        Files.writeString(dir.resolve("tokenizer.json"), tokenizer(spec.vocabSize()), StandardCharsets.UTF_8);
      } else {
        copyTokenizer(tokenizerFolder, dir);
      }
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot write into " + dir + ": " + e.getMessage(), e);
    }
    SafetensorsWriter w = new SafetensorsWriter();
    for (String name : spec.requiredTensors()) {
      w.add(hfName(name), dtype, spec.expectedShape(name), randomValues(name, seed));
    }
    w.write(dir.resolve("model.safetensors"));
  }

  /**
   * Checks, before anything is written, that {@code folder} holds a Hugging Face tokenizer that loads and whose ids
   * fit the spec's vocabulary.
   */
  private static void checkTokenizer(Path folder, int vocabSize) {
    boolean json = Files.isRegularFile(folder.resolve("tokenizer.json"));
    boolean bpe = Files.isRegularFile(folder.resolve("vocab.json"))
        && Files.isRegularFile(folder.resolve("merges.txt"));
    if (!json && !bpe) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, folder + " holds no Hugging Face tokenizer:"
          + " give a folder with tokenizer.json, or with vocab.json and merges.txt.");
    }
    int size = MobiEdit.openTokenizer(folder).vocabSize();
    if (size > vocabSize) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "The tokenizer in " + folder + " has "
          + size + " ids, more than the " + vocabSize + " rows of this shape's embedding: choose a shape with a"
          + " vocabulary at least that large.");
    }
  }

  /** Copies a checked tokenizer's files into {@code dir}, removing tokenizer files of other names there. */
  private static void copyTokenizer(Path from, Path dir) throws IOException {
    for (String name : TOKENIZER_FILES) {
      Path source = from.resolve(name);
      if (Files.isRegularFile(source)) {
        try (InputStream in = Files.newInputStream(source)) { // the copy gets default permissions, not the source's
          Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      } else {
        Files.deleteIfExists(dir.resolve(name));
      }
    }
  }

  /**
   * The values of one tensor: norms are 1, weights N(0, 0.02²), biases N(0, 0.1²), from a generator seeded by the
   * model seed and the tensor's canonical name, so HF and GGUF files of the same seed hold the same values.
   */
  private static TensorValues randomValues(String name, long seed) {
    boolean norm = name.endsWith("norm.weight");
    boolean bias = name.endsWith(".bias");
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
    return (start, buf, count) -> {
      for (int i = 0; i < count; i++) {
        buf[i] = norm ? 1f : (float) (gaussian(random) * (bias ? 0.1 : 0.02));
      }
    };
  }

  /** Writes a GGUF v3 file for a named shape (2-D weights in {@code dtype}, norms and biases in F32). */
  public static void writeGguf(String shape, Path file, long seed, DType dtype) {
    writeGguf(shape(shape), file, seed, dtype);
  }

  /**
   * Writes a GGUF v3 file for any spec, with the one-token-per-byte tokenizer. GGUF Llama files are read with the
   * interleaved rotary layout (llama.cpp's convention); the weights are random, so no rows are permuted.
   */
  public static void writeGguf(ModelSpec spec, Path file, long seed, DType dtype) {
    writeGguf(spec, file, seed, dtype, null);
  }

  /**
   * Writes a GGUF v3 file for any spec with a real tokenizer: the byte-level BPE tokenizer of a Hugging Face folder
   * ({@code tokenizer.json}, or {@code vocab.json} + {@code merges.txt}) is written into the metadata as llama.cpp's
   * converter writes it (model "gpt2", the pre-tokenizer's llama.cpp name, tokens padded to the embedding, token
   * types, merges, BOS/EOS ids), so llama.cpp and the SDK both read the real vocabulary.
   *
   * @param tokenizerFolder a folder with a Hugging Face tokenizer, or null for the one-token-per-byte tokenizer
   * @throws MobiEditException {@code INVALID_REQUEST} when the folder has no tokenizer, its ids do not fit the spec's
   *     vocabulary, or it is not byte-level BPE with a split pattern llama.cpp names (checked before anything is
   *     written)
   */
  public static void writeGguf(ModelSpec spec, Path file, long seed, DType dtype, @Nullable Path tokenizerFolder) {
    if (spec.ropeScaling().type() == RopeScaling.Type.LLAMA3) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "GGUF files store Llama 3 rope scaling as a rope_freqs tensor, which the SDK does not read yet: write"
              + " this shape as a Hugging Face folder (--format hf).");
    }
    GgufVocabulary vocabulary = null;
    Map<String, Object> copied = null;
    if (tokenizerFolder != null && Files.isRegularFile(tokenizerFolder)) {
      copied = GgufVocabulary.entriesOfGguf(tokenizerFolder, spec.vocabSize());
    } else if (tokenizerFolder != null) {
      checkTokenizer(tokenizerFolder, spec.vocabSize());
      vocabulary = GgufVocabulary.fromHfFolder(tokenizerFolder, spec.vocabSize());
    }
    String arch = spec.architecture() == Architecture.QWEN2 ? "qwen2" : "llama";
    GgufWriter w = new GgufWriter()
        .put("general.architecture", arch)
        .put("general.name", "mobiedit synthetic " + arch)
        .put(arch + ".embedding_length", (long) spec.hiddenSize())
        .put(arch + ".feed_forward_length", (long) spec.intermediateSize())
        .put(arch + ".block_count", (long) spec.layers())
        .put(arch + ".attention.head_count", (long) spec.heads())
        .put(arch + ".attention.head_count_kv", (long) spec.kvHeads())
        .put(arch + ".context_length", (long) spec.contextLength())
        .put(arch + ".attention.layer_norm_rms_epsilon", (double) spec.rmsNormEps())
        .put(arch + ".rope.freq_base", spec.ropeTheta())
        .put(arch + ".vocab_size", (long) spec.vocabSize());
    if (copied != null) {
      copied.forEach(w::put);
    } else if (vocabulary != null) {
      vocabulary.putInto(w);
    } else {
      putByteVocabulary(w, spec.vocabSize());
    }
    for (String name : spec.requiredTensors()) {
      long[] shape = spec.expectedShape(name);
      w.add(name, shape.length == 2 ? matrixType(dtype, shape[1]) : DType.F32, shape, randomValues(name, seed));
    }
    w.write(file);
  }

  /**
   * The type a matrix with rows of {@code columns} is written in: {@code dtype}, except Q4_K for rows that are not
   * whole 256-element super-blocks (Qwen2.5-0.5B's 896), which are written Q4_0, as llama.cpp's quantizer falls back.
   */
  private static DType matrixType(DType dtype, long columns) {
    return dtype == DType.Q4_K && columns % DType.Q4_K.blockSize() != 0 ? DType.Q4_0 : dtype;
  }

  /** The one-token-per-byte vocabulary: 256 byte tokens, {@code <|endoftext|>}, unused fillers up to the size. */
  private static void putByteVocabulary(GgufWriter w, int vocabSize) {
    List<String> tokens = new ArrayList<>(vocabSize);
    long[] types = new long[vocabSize];
    for (int b = 0; b < 256; b++) {
      tokens.add(String.valueOf(ByteAlphabet.charOf(b)));
      types[b] = 1;
    }
    tokens.add("<|endoftext|>");
    types[256] = 3;
    for (int i = 257; i < vocabSize; i++) {
      tokens.add("<|synthetic_" + i + "|>");
      types[i] = 5;
    }
    w.put("tokenizer.ggml.model", "gpt2").put("tokenizer.ggml.pre", "default")
        .put("tokenizer.ggml.tokens", tokens).put("tokenizer.ggml.token_type", types)
        .put("tokenizer.ggml.merges", List.of()).put("tokenizer.ggml.eos_token_id", 256L);
  }

  /** Box-Muller from two uniform draws (deterministic for a given generator state). */
  private static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static String hfName(String canonical) {
    if (canonical.equals(TensorNames.TOKEN_EMBEDDING)) {
      return "model.embed_tokens.weight";
    }
    if (canonical.equals(TensorNames.OUTPUT_NORM)) {
      return "model.norm.weight";
    }
    if (canonical.equals(TensorNames.OUTPUT)) {
      return "lm_head.weight";
    }
    String[] p = canonical.split("\\.", 3);
    String layer = "model.layers." + p[1] + ".";
    switch (p[2]) {
      case "attn_norm.weight": return layer + "input_layernorm.weight";
      case "attn_q.weight": return layer + "self_attn.q_proj.weight";
      case "attn_k.weight": return layer + "self_attn.k_proj.weight";
      case "attn_v.weight": return layer + "self_attn.v_proj.weight";
      case "attn_q.bias": return layer + "self_attn.q_proj.bias";
      case "attn_k.bias": return layer + "self_attn.k_proj.bias";
      case "attn_v.bias": return layer + "self_attn.v_proj.bias";
      case "attn_output.weight": return layer + "self_attn.o_proj.weight";
      case "ffn_norm.weight": return layer + "post_attention_layernorm.weight";
      case "ffn_gate.weight": return layer + "mlp.gate_proj.weight";
      case "ffn_up.weight": return layer + "mlp.up_proj.weight";
      case "ffn_down.weight": return layer + "mlp.down_proj.weight";
      default: throw new IllegalArgumentException(canonical);
    }
  }

  static String config(ModelSpec s) {
    JsonObject c = new JsonObject();
    boolean qwen = s.architecture() == Architecture.QWEN2;
    JsonArray arch = new JsonArray();
    arch.add(qwen ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
    c.add("architectures", arch);
    c.addProperty("model_type", qwen ? "qwen2" : "llama");
    c.addProperty("hidden_size", s.hiddenSize());
    c.addProperty("intermediate_size", s.intermediateSize());
    c.addProperty("num_hidden_layers", s.layers());
    c.addProperty("num_attention_heads", s.heads());
    c.addProperty("num_key_value_heads", s.kvHeads());
    c.addProperty("head_dim", s.headDim());
    c.addProperty("vocab_size", s.vocabSize());
    c.addProperty("max_position_embeddings", s.contextLength());
    c.addProperty("rms_norm_eps", s.rmsNormEps());
    c.addProperty("rope_theta", s.ropeTheta());
    c.addProperty("tie_word_embeddings", s.tiedEmbeddings());
    c.addProperty("hidden_act", "silu");
    if (s.ropeScaling().type() == RopeScaling.Type.LLAMA3) {
      JsonObject rs = new JsonObject();
      rs.addProperty("rope_type", "llama3");
      rs.addProperty("factor", s.ropeScaling().factor());
      rs.addProperty("low_freq_factor", s.ropeScaling().lowFreqFactor());
      rs.addProperty("high_freq_factor", s.ropeScaling().highFreqFactor());
      rs.addProperty("original_max_position_embeddings", s.ropeScaling().originalContext());
      c.add("rope_scaling", rs);
    }
    c.addProperty("torch_dtype", "bfloat16");
    return new GsonBuilder().setPrettyPrinting().create().toJson(c);
  }

  /** A byte-level BPE tokenizer.json: 256 byte tokens, {@code <|endoftext|>}, filler entries up to the vocab size. */
  static String tokenizer(int vocabSize) {
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    JsonArray added = new JsonArray();
    JsonObject eos = new JsonObject();
    eos.addProperty("id", 256);
    eos.addProperty("content", "<|endoftext|>");
    eos.addProperty("special", true);
    added.add(eos);
    root.add("added_tokens", added);
    JsonObject pre = new JsonObject();
    pre.addProperty("type", "ByteLevel");
    pre.addProperty("add_prefix_space", false);
    root.add("pre_tokenizer", pre);
    JsonObject model = new JsonObject();
    model.addProperty("type", "BPE");
    JsonObject vocab = new JsonObject();
    for (int b = 0; b < 256; b++) {
      vocab.addProperty(String.valueOf(ByteAlphabet.charOf(b)), b);
    }
    vocab.addProperty("<|endoftext|>", 256);
    for (int i = 257; i < vocabSize; i++) {
      vocab.addProperty("<|synthetic_" + i + "|>", i);
    }
    model.add("vocab", vocab);
    model.add("merges", new JsonArray());
    root.add("model", model);
    return root.toString();
  }
}
