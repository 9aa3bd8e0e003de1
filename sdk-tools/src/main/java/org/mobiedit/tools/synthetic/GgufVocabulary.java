package org.mobiedit.tools.synthetic;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.files.GgufMetadataFile;
import org.mobiedit.tools.writer.GgufWriter;

/**
 * A Hugging Face byte-level BPE tokenizer ({@code vocab.json} + {@code merges.txt}, or {@code tokenizer.json}) as the
 * {@code tokenizer.ggml.*} metadata of a GGUF file, written the way llama.cpp's {@code convert_hf_to_gguf.py} writes
 * it, so that llama.cpp and the SDK both load the file with its real vocabulary:
 * <ul>
 *   <li>{@code tokenizer.ggml.model} "gpt2", {@code tokenizer.ggml.pre} the llama.cpp name of the pre-tokenizer
 *       ("qwen2" for Qwen2's split pattern, "llama-bpe" for Llama 3's, "gpt-2" for GPT-2's);
 *   <li>{@code tokens} padded to the embedding's rows with {@code [PAD<id>]} (llama.cpp sizes the vocabulary by the
 *       embedding), {@code token_type} 1 normal, 3 control (special added tokens), 4 user-defined (other added
 *       tokens), 5 unused (padding);
 *   <li>{@code merges} as "left right" strings in rank order;
 *   <li>{@code bos_token_id}, {@code eos_token_id}, {@code padding_token_id} from {@code tokenizer_config.json}; a
 *       vocabulary that names no BOS gets {@code <|endoftext|>}, which Qwen's and GPT-2's {@code config.json} name;
 *       {@code add_bos_token} from the configuration, false when it says nothing.
 * </ul>
 * The files are assumed to load with the SDK's tokenizer ({@code SyntheticModel} checks that first); what the SDK
 * reads but llama.cpp cannot name (a SentencePiece-style tokenizer.json, an unknown split pattern) is refused.
 */
final class GgufVocabulary {
  /** The published split patterns, as tokenizer.json files write them, and their llama.cpp names. */
  private static final Map<String, String> PRE_NAMES = Map.of(
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+"
          + "|\\s+(?!\\S)|\\s+", "qwen2",
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
          + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "llama-bpe");
  private static final int NORMAL = 1;
  private static final int CONTROL = 3;
  private static final int USER_DEFINED = 4;
  private static final int UNUSED = 5;

  private final String pre;
  private final List<String> tokens;
  private final long[] types;
  private final List<String> merges;
  private final Map<String, Object> ids;

  private GgufVocabulary(String pre, List<String> tokens, long[] types, List<String> merges,
      Map<String, Object> ids) {
    this.pre = pre;
    this.tokens = tokens;
    this.types = types;
    this.merges = merges;
    this.ids = ids;
  }

  /** The llama.cpp name of the pre-tokenizer ({@code tokenizer.ggml.pre}). */
  String pre() {
    return pre;
  }

  /** Adds the {@code tokenizer.ggml.*} entries to a GGUF file being written. */
  void putInto(GgufWriter w) {
    w.put("tokenizer.ggml.model", "gpt2").put("tokenizer.ggml.pre", pre).put("tokenizer.ggml.tokens", tokens)
        .put("tokenizer.ggml.token_type", types).put("tokenizer.ggml.merges", merges);
    ids.forEach(w::put);
  }

  /**
   * The {@code tokenizer.*} entries of a GGUF file (a model or a vocabulary-only file such as llama.cpp's
   * {@code ggml-vocab-llama-spm.gguf}), to be copied as they are into a model of {@code rows} embedding rows: this is
   * how a synthetic Llama 2 shape gets the real SentencePiece vocabulary, scores and token types, which llama.cpp and
   * the SDK both read from the copy.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} when the file holds no tokenizer the SDK loads, its token count
   *     is not {@code rows} (llama.cpp sizes the vocabulary by the token list, the model by its embedding), or an
   *     entry has a type the writer cannot copy; {@code MODEL_CORRUPT} or {@code IO} for an unreadable file
   */
  static Map<String, Object> entriesOfGguf(Path file, int rows) {
    Map<String, Object> metadata = GgufMetadataFile.read(file);
    Object tokens = metadata.get("tokenizer.ggml.tokens");
    if (!(tokens instanceof List)) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " holds no tokenizer (no"
          + " tokenizer.ggml.tokens list): give a GGUF file with a vocabulary, or a Hugging Face tokenizer folder.");
    }
    int size = ((List<?>) tokens).size();
    if (size != rows) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "The tokenizer in " + file + " has "
          + size + " tokens but this shape's embedding has " + rows + " rows: choose a shape with exactly that"
          + " vocabulary (llama-0.5b-32k for Llama 2's 32,000 tokens).");
    }
    MobiEdit.openTokenizer(file); // the SDK must read it too
    Map<String, Object> out = new LinkedHashMap<>();
    metadata.forEach((key, value) -> {
      if (!key.startsWith("tokenizer.")) {
        return;
      }
      boolean copyable = value instanceof Long || value instanceof Double || value instanceof Boolean
          || value instanceof String || value instanceof long[] || value instanceof double[]
          || (value instanceof List && ((List<?>) value).stream().allMatch(String.class::isInstance));
      if (!copyable) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "The entry " + key + " of " + file
            + " has a type the GGUF writer cannot copy (" + value.getClass().getSimpleName() + ").");
      }
      out.put(key, value);
    });
    return out;
  }

  /**
   * Reads the tokenizer of a Hugging Face folder (tokenizer.json preferred, as the SDK does) for an embedding of
   * {@code rows} rows, which must hold every id (checked by the caller).
   *
   * @throws MobiEditException {@code INVALID_REQUEST} for a tokenizer llama.cpp cannot be told how to read, {@code IO}
   *     when a file cannot be read
   */
  static GgufVocabulary fromHfFolder(Path folder, int rows) {
    JsonObject config = Files.isRegularFile(folder.resolve("tokenizer_config.json"))
        ? readJson(folder.resolve("tokenizer_config.json")).getAsJsonObject() : new JsonObject();
    Map<String, Integer> vocab = new LinkedHashMap<>();
    Map<String, Integer> added = new LinkedHashMap<>();
    Set<String> special = new LinkedHashSet<>();
    List<String> merges = new ArrayList<>();
    String pre;
    Path json = folder.resolve("tokenizer.json");
    if (Files.isRegularFile(json)) {
      pre = readTokenizerJson(json, vocab, added, special, merges);
    } else {
      readJson(folder.resolve("vocab.json")).getAsJsonObject().entrySet()
          .forEach(e -> vocab.put(e.getKey(), e.getValue().getAsInt()));
      for (String line : readText(folder.resolve("merges.txt")).split("\n", -1)) {
        String m = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (!m.isEmpty() && !m.startsWith("#version")) {
          merges.add(m);
        }
      }
      Path addedJson = folder.resolve("added_tokens.json");
      if (Files.isRegularFile(addedJson)) {
        readJson(addedJson).getAsJsonObject().entrySet().forEach(e -> added.put(e.getKey(), e.getValue().getAsInt()));
      }
      if (!config.has("added_tokens_decoder")) {
        special.addAll(added.keySet()); // added_tokens.json says no kind: as the SDK, take its tokens as special
      }
      // As the SDK reads these files: Qwen2's class or its chat tokens mean Qwen2's split pattern, else GPT-2's.
      boolean qwen2 = "Qwen2Tokenizer".equals(string(config.get("tokenizer_class")))
          || added.containsKey("<|im_start|>");
      pre = qwen2 ? "qwen2" : "gpt-2";
    }
    JsonElement decoder = config.get("added_tokens_decoder");
    if (decoder != null && decoder.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : decoder.getAsJsonObject().entrySet()) {
        JsonObject t = e.getValue().getAsJsonObject();
        String content = t.get("content").getAsString();
        added.putIfAbsent(content, Integer.parseInt(e.getKey()));
        if (t.has("special") && t.get("special").getAsBoolean()) {
          special.add(content);
        }
      }
    }
    List<String> tokens = new ArrayList<>(rows);
    long[] types = new long[rows];
    for (int i = 0; i < rows; i++) {
      tokens.add("[PAD" + i + "]");
      types[i] = UNUSED;
    }
    vocab.forEach((text, id) -> {
      tokens.set(id, text);
      types[id] = NORMAL;
    });
    added.forEach((text, id) -> {
      tokens.set(id, text);
      types[id] = special.contains(text) ? CONTROL : USER_DEFINED;
    });
    Map<String, Integer> byText = new LinkedHashMap<>(vocab);
    byText.putAll(added);
    Map<String, Object> ids = new LinkedHashMap<>();
    Integer bos = idOf(config.get("bos_token"), byText);
    ids.put("tokenizer.ggml.bos_token_id", (long) (bos != null ? bos : byText.getOrDefault("<|endoftext|>", 0)));
    Integer eos = idOf(config.get("eos_token"), byText);
    if (eos == null) {
      eos = byText.get("<|endoftext|>");
    }
    if (eos != null) {
      ids.put("tokenizer.ggml.eos_token_id", (long) eos);
    }
    Integer pad = idOf(config.get("pad_token"), byText);
    if (pad != null) {
      ids.put("tokenizer.ggml.padding_token_id", (long) pad);
    }
    JsonElement addBos = config.get("add_bos_token");
    ids.put("tokenizer.ggml.add_bos_token", addBos != null && addBos.isJsonPrimitive() && addBos.getAsBoolean());
    return new GgufVocabulary(pre, tokens, types, merges, ids);
  }

  /** Reads a tokenizer.json's vocabulary, added tokens and merges; returns the llama.cpp pre-tokenizer name. */
  private static String readTokenizerJson(Path file, Map<String, Integer> vocab, Map<String, Integer> added,
      Set<String> special, List<String> merges) {
    JsonObject root = readJson(file).getAsJsonObject();
    String pipeline = String.valueOf(root.get("pre_tokenizer")) + root.get("decoder");
    if (!pipeline.contains("ByteLevel")) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " is not a byte-level BPE"
          + " tokenizer (GPT-2, Qwen2, Llama 3): synthesize writes only those into GGUF metadata; use --format hf.");
    }
    JsonObject model = root.getAsJsonObject("model");
    model.getAsJsonObject("vocab").entrySet().forEach(e -> vocab.put(e.getKey(), e.getValue().getAsInt()));
    for (JsonElement m : model.getAsJsonArray("merges")) {
      if (m.isJsonArray()) {
        JsonArray pair = m.getAsJsonArray();
        merges.add(pair.get(0).getAsString() + " " + pair.get(1).getAsString());
      } else {
        merges.add(m.getAsString());
      }
    }
    JsonArray addedTokens = root.getAsJsonArray("added_tokens");
    if (addedTokens != null) {
      for (JsonElement t : addedTokens) {
        JsonObject o = t.getAsJsonObject();
        added.put(o.get("content").getAsString(), o.get("id").getAsInt());
        if (o.has("special") && o.get("special").getAsBoolean()) {
          special.add(o.get("content").getAsString());
        }
      }
    }
    String regex = splitRegex(root.get("pre_tokenizer"));
    if (regex == null) {
      return "gpt-2";
    }
    String name = PRE_NAMES.get(regex);
    if (name == null) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " splits words with a pattern"
          + " synthesize has no llama.cpp name for (it knows Qwen2's, Llama 3's and GPT-2's): use --format hf.");
    }
    return name;
  }

  /** The first Split regex of a pre-tokenizer (depth first), or null. */
  private static @Nullable String splitRegex(@Nullable JsonElement e) {
    if (e == null || e.isJsonNull() || e.isJsonPrimitive()) {
      return null;
    }
    if (e.isJsonArray()) {
      for (JsonElement item : e.getAsJsonArray()) {
        String found = splitRegex(item);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
    JsonObject o = e.getAsJsonObject();
    if ("Split".equals(string(o.get("type"))) && o.has("pattern") && o.getAsJsonObject("pattern").has("Regex")) {
      return o.getAsJsonObject("pattern").get("Regex").getAsString();
    }
    return splitRegex(o.get("pretokenizers"));
  }

  /** The id of a configured token, given as a string or as {"content": ...}; null when absent or unknown. */
  private static @Nullable Integer idOf(@Nullable JsonElement token, Map<String, Integer> byText) {
    String text = token != null && token.isJsonObject() ? string(token.getAsJsonObject().get("content"))
        : string(token);
    return text == null ? null : byText.get(text);
  }

  private static @Nullable String string(@Nullable JsonElement e) {
    return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
  }

  private static JsonElement readJson(Path file) {
    try {
      return JsonParser.parseString(readText(file));
    } catch (JsonParseException | IllegalStateException e) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " is not valid JSON: "
          + e.getMessage(), e);
    }
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
