package org.mobiedit.core.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;

/**
 * Loads tokenizers from the files models ship with: {@code tokenizer.json}, {@code vocab.json} +
 * {@code merges.txt} (+ {@code tokenizer_config.json}), or a GGUF file's vocabulary metadata.
 */
public final class Tokenizers {
  /** End-of-turn tokens of common families, treated as end of sequence when present as special tokens. */
  private static final String[] KNOWN_EOS = {"<|endoftext|>", "<|im_end|>", "<|eot_id|>", "<|end_of_text|>", "</s>"};

  private Tokenizers() {}

  /** Finds and loads the tokenizer files of a folder (tokenizer.json preferred, else vocab.json + merges.txt). */
  public static Tokenizer forFolder(Path dir) {
    Path json = dir.resolve("tokenizer.json");
    Path config = dir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(json)) {
      return fromTokenizerJson(json);
    }
    Path vocab = dir.resolve("vocab.json");
    Path merges = dir.resolve("merges.txt");
    if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
      return fromVocabAndMerges(vocab, merges, Files.isRegularFile(config) ? config : null);
    }
    throw new MobiEditException(MobiEditException.Reason.TOKENIZER_MISSING,
        "No tokenizer in " + dir + ": looked for tokenizer.json, or vocab.json + merges.txt. Copy the model's"
            + " tokenizer files into this folder.");
  }

  // ---------------------------------------------------------------- tokenizer.json

  /** Loads a Hugging Face {@code tokenizer.json} (BPE model: byte-level or SentencePiece-style with byte fallback). */
  public static Tokenizer fromTokenizerJson(Path file) {
    JsonObject root = readJson(file).getAsJsonObject();
    TokenizerConfig config = TokenizerConfig.read(file.resolveSibling("tokenizer_config.json"));
    try {
      JsonObject model = root.getAsJsonObject("model");
      String type = model.has("type") ? model.get("type").getAsString() : "BPE";
      if (!type.equals("BPE")) {
        throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
            file + " uses a " + type + " model; only BPE tokenizers (byte-level or SentencePiece-style) are"
                + " supported.");
      }
      Map<String, Integer> vocabMap = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : model.getAsJsonObject("vocab").entrySet()) {
        vocabMap.put(e.getKey(), e.getValue().getAsInt());
      }
      Map<String, Integer> specials = new LinkedHashMap<>();
      Map<String, Integer> added = new LinkedHashMap<>();
      if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
        for (JsonElement e : root.getAsJsonArray("added_tokens")) {
          JsonObject o = e.getAsJsonObject();
          String content = o.get("content").getAsString();
          int id = o.get("id").getAsInt();
          added.put(content, id);
          if (o.has("special") && o.get("special").getAsBoolean()) {
            specials.put(content, id);
          }
        }
      }
      Map<String, Integer> ranks = mergeRanks(model.getAsJsonArray("merges"), file);
      boolean byteLevel = root.toString().contains("\"ByteLevel\"");
      Set<String> specialSet = new LinkedHashSet<>(specials.keySet());
      specialSet.addAll(config.specialTokens());
      boolean addBos = config.addBos() != null ? config.addBos() : postProcessorAddsBos(root);
      if (byteLevel) {
        Pattern pre = PreTokenizer.compile(PreTokenizer.GPT2);
        String regex = findSplitRegex(root.get("pre_tokenizer"));
        if (regex != null) {
          pre = PreTokenizer.fromTokenizerJson(regex, pre);
        }
        Vocabulary v = vocabulary(vocabMap, added, specialSet, config, addBos, file);
        JsonElement normalizer = root.get("normalizer");
        boolean nfc = normalizer != null && normalizer.toString().contains("\"NFC\"");
        boolean ignoreMerges = model.has("ignore_merges") && model.get("ignore_merges").getAsBoolean();
        return new ByteLevelBpeTokenizer(v, pre, ranks, nfc, ignoreMerges);
      }
      boolean prefix = root.toString().contains("\"Prepend\"") || root.toString().contains("\"prepend_scheme\"");
      Vocabulary v = vocabulary(vocabMap, added, specialSet, config, addBos, file);
      return new SentencePieceBpeTokenizer(v, null, ranks, prefix);
    } catch (IllegalStateException | NullPointerException | ClassCastException | NumberFormatException e) {
      throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
          file + " is not a valid tokenizer.json (" + e + "). Restore the model's original file.", e);
    }
  }

  private static boolean postProcessorAddsBos(JsonObject root) {
    JsonElement pp = root.get("post_processor");
    if (pp == null || pp.isJsonNull()) {
      return false;
    }
    JsonObject o = pp.getAsJsonObject();
    if (o.has("single")) {
      JsonArray single = o.getAsJsonArray("single");
      return single.size() > 0 && single.get(0).getAsJsonObject().has("SpecialToken");
    }
    return false;
  }

  private static @Nullable String findSplitRegex(@Nullable JsonElement pre) {
    if (pre == null || pre.isJsonNull()) {
      return null;
    }
    if (pre.isJsonArray()) {
      for (JsonElement e : pre.getAsJsonArray()) {
        String r = findSplitRegex(e);
        if (r != null) {
          return r;
        }
      }
      return null;
    }
    if (!pre.isJsonObject()) {
      return null;
    }
    JsonObject o = pre.getAsJsonObject();
    if (o.has("type") && o.get("type").getAsString().equals("Split") && o.has("pattern")) {
      JsonObject p = o.getAsJsonObject("pattern");
      if (p.has("Regex")) {
        return p.get("Regex").getAsString();
      }
    }
    if (o.has("pretokenizers")) {
      return findSplitRegex(o.get("pretokenizers"));
    }
    return null;
  }

  private static Map<String, Integer> mergeRanks(@Nullable JsonArray merges, Path file) {
    Map<String, Integer> ranks = new HashMap<>();
    if (merges == null) {
      return ranks;
    }
    int rank = 0;
    for (JsonElement m : merges) {
      String key;
      if (m.isJsonArray()) {
        key = m.getAsJsonArray().get(0).getAsString() + ' ' + m.getAsJsonArray().get(1).getAsString();
      } else {
        key = m.getAsString();
        if (key.indexOf(' ') <= 0) {
          throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
              file + ": merge " + rank + " (\"" + key + "\") is not two tokens separated by a space.");
        }
      }
      ranks.putIfAbsent(key, rank++);
    }
    return ranks;
  }

  // ---------------------------------------------------------------- vocab.json + merges.txt

  /** Loads a GPT-2 style {@code vocab.json} + {@code merges.txt} pair (byte-level BPE). */
  public static Tokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt, @Nullable Path tokenizerConfigJson) {
    Map<String, Integer> vocabMap = new LinkedHashMap<>();
    JsonElement vocab = readJson(vocabJson);
    try {
      for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
        vocabMap.put(e.getKey(), e.getValue().getAsInt());
      }
    } catch (IllegalStateException | NumberFormatException | UnsupportedOperationException e) {
      throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
          vocabJson + " is not a token → id map (" + e.getMessage() + ").", e);
    }
    Map<String, Integer> ranks = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(mergesTxt, StandardCharsets.UTF_8)) {
      String line;
      int rank = 0;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.startsWith("#version") || line.isEmpty()) {
          continue;
        }
        int sp = line.indexOf(' ');
        if (sp <= 0 || sp == line.length() - 1) {
          throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
              mergesTxt + " line " + lineNo + " is not two tokens separated by a space: \"" + line + "\".");
        }
        String left = line.substring(0, sp);
        String right = line.substring(sp + 1);
        if (!vocabMap.containsKey(left) || !vocabMap.containsKey(right) || !vocabMap.containsKey(left + right)) {
          throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
              mergesTxt + " line " + lineNo + " merges \"" + left + "\" + \"" + right + "\", which " + vocabJson
                  + " does not contain: the two files do not belong together.");
        }
        ranks.putIfAbsent(ByteLevelBpeTokenizer.mergeKey(left, right), rank++);
      }
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + mergesTxt + ": " + e.getMessage(), e);
    }
    TokenizerConfig config = TokenizerConfig.read(tokenizerConfigJson);
    Map<String, Integer> added = new LinkedHashMap<>(config.addedTokens());
    Path addedJson = vocabJson.resolveSibling("added_tokens.json");
    if (Files.isRegularFile(addedJson)) {
      for (Map.Entry<String, JsonElement> e : readJson(addedJson).getAsJsonObject().entrySet()) {
        added.putIfAbsent(e.getKey(), e.getValue().getAsInt());
      }
    }
    Set<String> specials = new LinkedHashSet<>(added.keySet());
    boolean addBos = config.addBos() != null && config.addBos();
    // Qwen2's tokenizer normalises to NFC and uses its own split pattern; plain GPT-2 vocabularies do neither.
    boolean qwen2 = "Qwen2Tokenizer".equals(config.tokenizerClass()) || added.containsKey("<|im_start|>");
    Pattern pre = PreTokenizer.compile(qwen2 ? PreTokenizer.QWEN2 : PreTokenizer.GPT2);
    Vocabulary v = vocabulary(vocabMap, added, specials, config, addBos, vocabJson);
    return new ByteLevelBpeTokenizer(v, pre, ranks, qwen2, false);
  }

  private static Vocabulary vocabulary(Map<String, Integer> base, Map<String, Integer> added, Set<String> specials,
      TokenizerConfig config, boolean addBos, Path file) {
    int size = 0;
    for (int id : base.values()) {
      size = Math.max(size, id + 1);
    }
    for (int id : added.values()) {
      size = Math.max(size, id + 1);
    }
    String[] tokens = new String[size];
    boolean[] special = new boolean[size];
    for (Map.Entry<String, Integer> e : base.entrySet()) {
      if (e.getValue() < 0) {
        throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
            file + ": token \"" + e.getKey() + "\" has a negative id.");
      }
      tokens[e.getValue()] = e.getKey();
    }
    Map<String, Integer> matched = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : added.entrySet()) {
      tokens[e.getValue()] = e.getKey();
      matched.put(e.getKey(), e.getValue());
      if (specials.contains(e.getKey())) {
        special[e.getValue()] = true;
      }
    }
    for (int i = 0; i < size; i++) {
      if (tokens[i] == null) {
        tokens[i] = "<|unused_" + i + "|>";
      }
    }
    Map<String, Integer> ids = new HashMap<>();
    for (int i = size - 1; i >= 0; i--) {
      ids.put(tokens[i], i);
    }
    Integer bos = config.bosToken() == null ? null : ids.get(config.bosToken());
    if (bos == null && addBos) {
      bos = ids.get("<s>");
    }
    return new Vocabulary(tokens, special, matched, bos, eosIds(ids, special, config.eosToken()), addBos,
        ChatFormat.detect(config.chatTemplate()) != ChatFormat.NONE ? ChatFormat.detect(config.chatTemplate())
            : matched.containsKey("<|im_start|>") ? ChatFormat.CHATML
            : matched.containsKey("<|start_header_id|>") ? ChatFormat.LLAMA3 : ChatFormat.NONE);
  }

  private static int[] eosIds(Map<String, Integer> ids, boolean[] special, @Nullable String eosToken) {
    Set<Integer> eos = new LinkedHashSet<>();
    if (eosToken != null && ids.containsKey(eosToken)) {
      eos.add(ids.get(eosToken));
    }
    for (String k : KNOWN_EOS) {
      Integer id = ids.get(k);
      if (id != null && (special[id] || k.equals("</s>"))) {
        eos.add(id);
      }
    }
    return eos.stream().mapToInt(Integer::intValue).toArray();
  }

  // ---------------------------------------------------------------- GGUF

  /**
   * Loads the vocabulary stored in GGUF metadata: {@code tokenizer.ggml.model} "gpt2" (byte-level BPE with merges)
   * or "llama" (SentencePiece BPE with scores).
   */
  public static Tokenizer fromGgufMetadata(Map<String, Object> md) {
    Object model = md.get("tokenizer.ggml.model");
    Object tokensValue = md.get("tokenizer.ggml.tokens");
    if (!(model instanceof String) || !(tokensValue instanceof List)) {
      throw new MobiEditException(MobiEditException.Reason.TOKENIZER_MISSING,
          "The GGUF file has no tokenizer vocabulary (tokenizer.ggml.model / tokenizer.ggml.tokens). Put the"
              + " model's tokenizer.json next to it.");
    }
    @SuppressWarnings("unchecked")
    List<String> tokenList = (List<String>) tokensValue;
    String[] tokens = tokenList.toArray(new String[0]);
    long[] types = md.get("tokenizer.ggml.token_type") instanceof long[]
        ? (long[]) md.get("tokenizer.ggml.token_type") : new long[tokens.length];
    boolean[] special = new boolean[tokens.length];
    Map<String, Integer> matched = new LinkedHashMap<>();
    for (int i = 0; i < tokens.length && i < types.length; i++) {
      // 3 = control, 4 = user-defined: both are written literally in text; 2 = unknown.
      if (types[i] == 3 || types[i] == 4) {
        special[i] = types[i] == 3;
        matched.put(tokens[i], i);
      }
    }
    Integer bos = md.get("tokenizer.ggml.bos_token_id") instanceof Long
        ? ((Long) md.get("tokenizer.ggml.bos_token_id")).intValue() : null;
    Set<Integer> eos = new LinkedHashSet<>();
    if (md.get("tokenizer.ggml.eos_token_id") instanceof Long) {
      eos.add(((Long) md.get("tokenizer.ggml.eos_token_id")).intValue());
    }
    if (md.get("tokenizer.ggml.eot_token_id") instanceof Long) {
      eos.add(((Long) md.get("tokenizer.ggml.eot_token_id")).intValue());
    }
    String chat = md.get("tokenizer.chat_template") instanceof String ? (String) md.get("tokenizer.chat_template") : null;
    switch ((String) model) {
      case "llama": {
        double[] scores = md.get("tokenizer.ggml.scores") instanceof double[]
            ? (double[]) md.get("tokenizer.ggml.scores") : null;
        if (scores == null || scores.length != tokens.length) {
          throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
              "The GGUF SentencePiece vocabulary has no scores for its " + tokens.length + " tokens"
                  + " (tokenizer.ggml.scores): convert the model again with llama.cpp.");
        }
        float[] f = new float[scores.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) scores[i];
        }
        boolean addBos = !(md.get("tokenizer.ggml.add_bos_token") instanceof Boolean)
            || (Boolean) md.get("tokenizer.ggml.add_bos_token");
        boolean prefix = !(md.get("tokenizer.ggml.add_space_prefix") instanceof Boolean)
            || (Boolean) md.get("tokenizer.ggml.add_space_prefix");
        Vocabulary v = new Vocabulary(tokens, special, matched, bos, toArray(eos), addBos, ChatFormat.detect(chat));
        return new SentencePieceBpeTokenizer(v, f, null, prefix);
      }
      case "gpt2": {
        Object mergesValue = md.get("tokenizer.ggml.merges");
        if (!(mergesValue instanceof List)) {
          throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
              "The GGUF byte-level vocabulary has no merges (tokenizer.ggml.merges): convert the model again.");
        }
        Map<String, Integer> ranks = new HashMap<>();
        int rank = 0;
        for (Object m : (List<?>) mergesValue) {
          ranks.putIfAbsent((String) m, rank++);
        }
        for (int i = 0; i < tokens.length; i++) {
          if (special[i]) {
            for (String k : KNOWN_EOS) {
              if (k.equals(tokens[i])) {
                eos.add(i);
              }
            }
          }
        }
        boolean addBos = md.get("tokenizer.ggml.add_bos_token") instanceof Boolean
            && (Boolean) md.get("tokenizer.ggml.add_bos_token");
        Vocabulary v = new Vocabulary(tokens, special, matched, bos, toArray(eos), addBos,
            ChatFormat.detect(chat) != ChatFormat.NONE ? ChatFormat.detect(chat)
                : matched.containsKey("<|im_start|>") ? ChatFormat.CHATML : ChatFormat.NONE);
        Object pre = md.get("tokenizer.ggml.pre");
        String preName = pre instanceof String ? (String) pre : null;
        // llama.cpp ignores merges for Llama 3 vocabularies, like the reference tokenizer.json does.
        boolean llama3 = preName != null && (preName.startsWith("llama") || preName.equals("smaug-bpe"));
        return new ByteLevelBpeTokenizer(v, PreTokenizer.forGgufName(preName), ranks, "qwen2".equals(preName),
            llama3);
      }
      default:
        throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
            "The GGUF vocabulary is of type '" + model + "'; supported are 'gpt2' (byte-level BPE) and 'llama'"
                + " (SentencePiece BPE).");
    }
  }

  private static int[] toArray(Set<Integer> s) {
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  static JsonElement readJson(Path file) {
    try {
      return org.mobiedit.core.json.StrictJson.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new MobiEditException(MobiEditException.Reason.TOKENIZER_MISSING,
          "Tokenizer file " + file + " does not exist. Copy the model's tokenizer files next to its weights.", e);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    } catch (JsonParseException e) {
      throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
          file + " is not valid JSON (" + e.getMessage() + "). Restore the model's original file.", e);
    }
  }
}
