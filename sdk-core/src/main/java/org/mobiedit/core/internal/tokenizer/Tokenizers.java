package org.mobiedit.core.internal.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.files.Utf8Text;
import org.mobiedit.core.internal.json.JsonSource;
import org.mobiedit.core.internal.json.JsonValue;
import org.mobiedit.core.tokenizer.ChatFormat;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * Loads tokenizers from the files models ship with: {@code tokenizer.json}, {@code vocab.json} +
 * {@code merges.txt} (+ {@code tokenizer_config.json}), or a GGUF file's vocabulary metadata.
 *
 * <p>Everything is checked at load: types and shapes of every field used, token ids (from 0 to
 * {@link Vocabulary#MAX_SIZE}, no two tokens of a file sharing one), the BOS/EOS tokens against the vocabulary and
 * a Split regex by compiling it. A problem is {@code TOKENIZER_CORRUPT} naming the file and the field, so that a
 * bad file is never blamed on a later request.
 */
public final class Tokenizers {
  /** End-of-turn tokens of common families, treated as end of sequence when present as special tokens. */
  private static final String[] KNOWN_EOS = {"<|endoftext|>", "<|im_end|>", "<|eot_id|>", "<|end_of_text|>", "</s>"};
  /** The largest tokenizer file read; the largest real tokenizer.json files (256k vocabularies) are about 35 MB. */
  static final long MAX_FILE_BYTES = 128L << 20;
  /** The parts of a tokenizer.json that describe text processing (not the vocabulary). */
  private static final String[] PIPELINE = {"normalizer", "pre_tokenizer", "post_processor", "decoder"};
  /** Real Split regexes have a few hundred characters and nest groups 2-3 deep. */
  private static final int MAX_REGEX_CHARS = 4096;
  /** Java compiles a regex by recursive descent, one level per nested group or class: keep that stack small. */
  private static final int MAX_REGEX_NESTING = 64;
  /**
   * The longest token matched literally in text (added, special, user-defined). Real ones have at most a few dozen
   * characters; finding them costs up to this many steps per character of a prompt (see SpecialTokenMatcher).
   */
  static final int MAX_LITERAL_TOKEN_CHARS = 1024;

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
    JsonValue root = readJson(file).object();
    TokenizerConfig config = TokenizerConfig.read(file.resolveSibling("tokenizer_config.json"));
    JsonValue model = root.field("model").object();
    String type = model.field("type").isPresent() ? model.field("type").string() : "BPE";
    if (!type.equals("BPE")) {
      throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
          file + " uses a " + Excerpt.quoted(type) + " model; only BPE tokenizers (byte-level or SentencePiece-style)"
              + " are supported.");
    }
    Map<String, Integer> vocabMap = tokenIds(model.field("vocab"));
    Map<String, Integer> specials = new LinkedHashMap<>();
    Map<String, Integer> added = new LinkedHashMap<>();
    for (JsonValue t : root.field("added_tokens").elementsOrNone()) {
      String content = t.field("content").string();
      int id = t.field("id").intIn(0, Vocabulary.MAX_SIZE - 1);
      added.put(content, id);
      if (t.field("special").boolOr(false)) {
        specials.put(content, id);
      }
    }
    Map<String, Integer> ranks = mergeRanks(model.field("merges"));
    Set<String> specialSet = new LinkedHashSet<>(specials.keySet());
    specialSet.addAll(config.specialTokens());
    boolean addBos = config.addBos() != null ? config.addBos() : postProcessorAddsBos(root);
    Vocabulary v = vocabulary(vocabMap, added, specialSet, config, addBos, root.source());
    if (inPipeline(root, "ByteLevel")) {
      Pattern pre = PreTokenizer.compile(PreTokenizer.GPT2);
      JsonValue regex = splitRegex(root.field("pre_tokenizer"));
      if (regex != null) {
        checkSplitRegex(regex);
        pre = PreTokenizer.fromTokenizerJson(regex.string(), pre);
      }
      boolean nfc = root.field("normalizer").containsString("NFC");
      boolean ignoreMerges = model.field("ignore_merges").boolOr(false);
      return new ByteLevelBpeTokenizer(v, pre, ranks, nfc, ignoreMerges);
    }
    boolean prefix = inPipeline(root, "Prepend") || hasPipelineField(root, "prepend_scheme");
    return new SentencePieceBpeTokenizer(v, null, ranks, prefix);
  }

  /** A token → id object, every id from 0 to {@link Vocabulary#MAX_SIZE}. */
  private static Map<String, Integer> tokenIds(JsonValue object) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : object.fields().entrySet()) {
      ids.put(e.getKey(), e.getValue().intIn(0, Vocabulary.MAX_SIZE - 1));
    }
    return ids;
  }

  private static boolean inPipeline(JsonValue root, String text) {
    for (String part : PIPELINE) {
      if (root.field(part).containsString(text)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasPipelineField(JsonValue root, String name) {
    for (String part : PIPELINE) {
      if (root.field(part).containsField(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean postProcessorAddsBos(JsonValue root) {
    JsonValue single = root.field("post_processor").field("single");
    if (!single.isPresent()) {
      return false;
    }
    List<JsonValue> items = single.elements();
    return !items.isEmpty() && items.get(0).object().field("SpecialToken").isPresent();
  }

  /** The first {@code Split} regex of the pre-tokenizer (depth first, in file order), or null. */
  private static @Nullable JsonValue splitRegex(JsonValue preTokenizer) {
    Deque<JsonValue> todo = new ArrayDeque<>();
    todo.push(preTokenizer);
    while (!todo.isEmpty()) {
      JsonValue v = todo.pop();
      if (v.isArray()) {
        List<JsonValue> items = v.elements();
        for (int i = items.size() - 1; i >= 0; i--) {
          todo.push(items.get(i));
        }
      } else if (v.isObject()) {
        if ("Split".equals(v.field("type").stringOrNull()) && v.field("pattern").field("Regex").isPresent()) {
          return v.field("pattern").field("Regex");
        }
        if (v.field("pretokenizers").isPresent()) {
          todo.push(v.field("pretokenizers"));
        }
      }
    }
    return null;
  }

  /** Bounds the regex's size and nesting (Java compiles it recursively), then compiles it once. */
  private static void checkSplitRegex(JsonValue field) {
    String regex = field.string();
    if (regex.length() > MAX_REGEX_CHARS) {
      throw field.problem("is a pattern of " + regex.length() + " characters, more than the " + MAX_REGEX_CHARS
          + " allowed");
    }
    int depth = 0;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '(' || c == '[') {
        if (++depth > MAX_REGEX_NESTING) {
          throw field.problem("nests groups deeper than " + MAX_REGEX_NESTING + " levels: " + Excerpt.quoted(regex));
        }
      } else if (c == ')' || c == ']') {
        depth = Math.max(0, depth - 1);
      }
    }
    try {
      PreTokenizer.compile(regex);
    } catch (PatternSyntaxException e) {
      throw field.problem("is not a valid regular expression: " + Excerpt.quoted(regex) + " ("
          + Excerpt.escaped(e.getDescription()) + ")");
    }
  }

  /** Merges given as "a b" strings or as ["a", "b"] pairs (both exist in real files), ranked by position. */
  private static Map<String, Integer> mergeRanks(JsonValue merges) {
    Map<String, Integer> ranks = new HashMap<>();
    int rank = 0;
    for (JsonValue m : merges.elementsOrNone()) {
      String key;
      if (m.isArray()) {
        List<JsonValue> pair = m.elements();
        if (pair.size() != 2) {
          throw m.problem("must be a pair of tokens [left, right], found an array of " + pair.size());
        }
        key = ByteLevelBpeTokenizer.mergeKey(pair.get(0).string(), pair.get(1).string());
      } else {
        key = m.string();
        if (key.indexOf(' ') <= 0) {
          throw m.problem("must be two tokens separated by a space, found " + Excerpt.quoted(key));
        }
      }
      ranks.putIfAbsent(key, rank++);
    }
    return ranks;
  }

  // ---------------------------------------------------------------- vocab.json + merges.txt

  /** Loads a GPT-2 style {@code vocab.json} + {@code merges.txt} pair (byte-level BPE). */
  public static Tokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt, @Nullable Path tokenizerConfigJson) {
    JsonValue vocab = readJson(vocabJson);
    Map<String, Integer> vocabMap = tokenIds(vocab);
    Map<String, Integer> ranks = new HashMap<>();
    JsonSource mergesSource = source(mergesTxt);
    String[] lines = readText(mergesTxt, mergesSource).split("\n", -1);
    int rank = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.startsWith("#version") || line.isEmpty()) {
        continue;
      }
      int sp = line.indexOf(' ');
      if (sp <= 0 || sp == line.length() - 1) {
        throw mergesSource.problem("line " + (i + 1) + " is not two tokens separated by a space: "
            + Excerpt.quoted(line));
      }
      String left = line.substring(0, sp);
      String right = line.substring(sp + 1);
      if (!vocabMap.containsKey(left) || !vocabMap.containsKey(right) || !vocabMap.containsKey(left + right)) {
        throw mergesSource.problem("line " + (i + 1) + " merges " + Excerpt.quoted(left) + " + "
            + Excerpt.quoted(right) + ", which " + vocabJson + " does not contain: the two files do not belong"
            + " together");
      }
      ranks.putIfAbsent(ByteLevelBpeTokenizer.mergeKey(left, right), rank++);
    }
    TokenizerConfig config = TokenizerConfig.read(tokenizerConfigJson);
    Map<String, Integer> added = new LinkedHashMap<>(config.addedTokens());
    Path addedJson = vocabJson.resolveSibling("added_tokens.json");
    if (Files.isRegularFile(addedJson)) {
      tokenIds(readJson(addedJson)).forEach(added::putIfAbsent);
    }
    Set<String> specials = new LinkedHashSet<>(added.keySet());
    boolean addBos = config.addBos() != null && config.addBos();
    // Qwen2's tokenizer normalises to NFC and uses its own split pattern; plain GPT-2 vocabularies do neither.
    boolean qwen2 = "Qwen2Tokenizer".equals(config.tokenizerClass()) || added.containsKey("<|im_start|>");
    Pattern pre = PreTokenizer.compile(qwen2 ? PreTokenizer.QWEN2 : PreTokenizer.GPT2);
    Vocabulary v = vocabulary(vocabMap, added, specials, config, addBos, vocab.source());
    return new ByteLevelBpeTokenizer(v, pre, ranks, qwen2, false);
  }

  /**
   * The table of a base vocabulary and added tokens (which may re-use a base id, replacing its text, as Hugging
   * Face does). Sized by the largest id, which every loader bounds by {@link Vocabulary#MAX_SIZE}; ids no file names
   * cost no text (see {@link Vocabulary}).
   */
  private static Vocabulary vocabulary(Map<String, Integer> base, Map<String, Integer> added, Set<String> specials,
      TokenizerConfig config, boolean addBos, JsonSource source) {
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
      String other = tokens[e.getValue()];
      if (other != null) {
        throw source.problem("the tokens " + Excerpt.quoted(other) + " and " + Excerpt.quoted(e.getKey())
            + " both have id " + e.getValue());
      }
      tokens[e.getValue()] = e.getKey();
    }
    Map<Integer, String> addedById = new HashMap<>();
    Map<String, Integer> matched = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : added.entrySet()) {
      if (e.getKey().length() > MAX_LITERAL_TOKEN_CHARS) {
        throw source.problem("the added token " + Excerpt.quoted(e.getKey()) + " is longer than the "
            + MAX_LITERAL_TOKEN_CHARS + " characters a token written literally in text may have");
      }
      String other = addedById.put(e.getValue(), e.getKey());
      if (other != null) {
        throw source.problem("the added tokens " + Excerpt.quoted(other) + " and " + Excerpt.quoted(e.getKey())
            + " both have id " + e.getValue());
      }
      tokens[e.getValue()] = e.getKey();
      matched.put(e.getKey(), e.getValue());
      if (specials.contains(e.getKey())) {
        special[e.getValue()] = true;
      }
    }
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < size; i++) {
      if (tokens[i] != null) {
        ids.putIfAbsent(tokens[i], i);
      }
    }
    Integer bos = null;
    if (config.bosToken() != null) {
      bos = ids.get(config.bosToken());
      if (bos == null) {
        throw config.notInVocabulary(true);
      }
    } else if (addBos) {
      bos = ids.get("<s>");
    }
    Set<Integer> eos = new LinkedHashSet<>();
    if (config.eosToken() != null) {
      Integer id = ids.get(config.eosToken());
      if (id == null) {
        throw config.notInVocabulary(false);
      }
      eos.add(id);
    }
    for (String k : KNOWN_EOS) {
      Integer id = ids.get(k);
      if (id != null && (special[id] || k.equals("</s>"))) {
        eos.add(id);
      }
    }
    ChatFormat chat = ChatFormat.detect(config.chatTemplate());
    if (chat == ChatFormat.NONE) {
      chat = matched.containsKey("<|im_start|>") ? ChatFormat.CHATML
          : matched.containsKey("<|start_header_id|>") ? ChatFormat.LLAMA3 : ChatFormat.NONE;
    }
    return new Vocabulary(tokens, special, matched, bos, toArray(eos), addBos, chat);
  }

  // ---------------------------------------------------------------- GGUF

  /** As {@link #fromGgufMetadata(Map, Path)}, for metadata whose file is not known. */
  public static Tokenizer fromGgufMetadata(Map<String, Object> md) {
    return fromGguf(md, "The GGUF file");
  }

  /**
   * Loads the vocabulary stored in GGUF metadata: {@code tokenizer.ggml.model} "gpt2" (byte-level BPE with merges)
   * or "llama" (SentencePiece BPE with scores). {@code file} is named in messages.
   */
  public static Tokenizer fromGgufMetadata(Map<String, Object> md, Path file) {
    return fromGguf(md, file.toString());
  }

  private static Tokenizer fromGguf(Map<String, Object> md, String file) {
    Object model = md.get("tokenizer.ggml.model");
    if (model == null && !md.containsKey("tokenizer.ggml.tokens")) {
      throw new MobiEditException(MobiEditException.Reason.TOKENIZER_MISSING,
          file + " has no tokenizer vocabulary (tokenizer.ggml.model / tokenizer.ggml.tokens). Put the model's"
              + " tokenizer.json next to it.");
    }
    if (!(model instanceof String)) {
      throw ggufCorrupt(file, "tokenizer.ggml.model must be a string");
    }
    String[] tokens = ggufStrings(md, "tokenizer.ggml.tokens", file);
    int n = tokens.length;
    if (n == 0) {
      throw ggufCorrupt(file, "the vocabulary (tokenizer.ggml.tokens) has no tokens");
    }
    if (n > Vocabulary.MAX_SIZE) {
      throw ggufCorrupt(file, "the vocabulary (tokenizer.ggml.tokens) has " + n + " tokens, more than "
          + Vocabulary.MAX_SIZE);
    }
    Object typesValue = md.get("tokenizer.ggml.token_type");
    if (typesValue != null && !(typesValue instanceof long[] && ((long[]) typesValue).length == n)) {
      throw ggufCorrupt(file, "tokenizer.ggml.token_type must be " + n + " integers, one per token");
    }
    long[] types = typesValue == null ? new long[n] : (long[]) typesValue;
    boolean[] special = new boolean[n];
    Map<String, Integer> matched = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      // 3 = control, 4 = user-defined: both are written literally in text; 2 = unknown.
      if (types[i] == 3 || types[i] == 4) {
        if (tokens[i].length() > MAX_LITERAL_TOKEN_CHARS) {
          throw ggufCorrupt(file, "the control or user-defined token " + i + " is longer than the "
              + MAX_LITERAL_TOKEN_CHARS + " characters a token written literally in text may have");
        }
        special[i] = types[i] == 3;
        matched.put(tokens[i], i);
      }
    }
    Integer bos = ggufId(md, "tokenizer.ggml.bos_token_id", n, file);
    Set<Integer> eos = new LinkedHashSet<>();
    Integer eosId = ggufId(md, "tokenizer.ggml.eos_token_id", n, file);
    Integer eotId = ggufId(md, "tokenizer.ggml.eot_token_id", n, file);
    if (eosId != null) {
      eos.add(eosId);
    }
    if (eotId != null) {
      eos.add(eotId);
    }
    Object chatValue = md.get("tokenizer.chat_template");
    ChatFormat chat = ChatFormat.detect(chatValue instanceof String ? (String) chatValue : null);
    switch ((String) model) {
      case "llama": {
        Object scoresValue = md.get("tokenizer.ggml.scores");
        if (!(scoresValue instanceof double[]) || ((double[]) scoresValue).length != n) {
          throw ggufCorrupt(file, "the SentencePiece vocabulary needs tokenizer.ggml.scores, " + n + " numbers, one"
              + " per token");
        }
        double[] scores = (double[]) scoresValue;
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) scores[i];
          if (Float.isNaN(f[i])) {
            throw ggufCorrupt(file, "tokenizer.ggml.scores[" + i + "] is NaN");
          }
        }
        boolean addBos = ggufFlag(md, "tokenizer.ggml.add_bos_token", true, file);
        boolean prefix = ggufFlag(md, "tokenizer.ggml.add_space_prefix", true, file);
        Vocabulary v = new Vocabulary(tokens, special, matched, bos, toArray(eos), addBos, chat);
        return new SentencePieceBpeTokenizer(v, f, null, prefix);
      }
      case "gpt2": {
        if (!md.containsKey("tokenizer.ggml.merges")) {
          throw ggufCorrupt(file, "the byte-level vocabulary has no merges (tokenizer.ggml.merges)");
        }
        Map<String, Integer> ranks = new HashMap<>();
        int rank = 0;
        for (String m : ggufStrings(md, "tokenizer.ggml.merges", file)) {
          if (m.indexOf(' ') <= 0) {
            throw ggufCorrupt(file, "tokenizer.ggml.merges[" + rank + "] is not two tokens separated by a space: "
                + Excerpt.quoted(m));
          }
          ranks.putIfAbsent(m, rank++);
        }
        for (int i = 0; i < n; i++) {
          if (special[i]) {
            for (String k : KNOWN_EOS) {
              if (k.equals(tokens[i])) {
                eos.add(i);
              }
            }
          }
        }
        boolean addBos = ggufFlag(md, "tokenizer.ggml.add_bos_token", false, file);
        Vocabulary v = new Vocabulary(tokens, special, matched, bos, toArray(eos), addBos,
            chat != ChatFormat.NONE ? chat : matched.containsKey("<|im_start|>") ? ChatFormat.CHATML : ChatFormat.NONE);
        Object pre = md.get("tokenizer.ggml.pre");
        String preName = pre instanceof String ? (String) pre : null;
        // llama.cpp ignores merges for Llama 3 vocabularies, like the reference tokenizer.json does.
        boolean llama3 = preName != null && (preName.startsWith("llama") || preName.equals("smaug-bpe"));
        return new ByteLevelBpeTokenizer(v, PreTokenizer.forGgufName(preName), ranks, "qwen2".equals(preName),
            llama3);
      }
      default:
        throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
            file + ": the vocabulary is of type " + Excerpt.quoted((String) model) + "; supported are 'gpt2'"
                + " (byte-level BPE) and 'llama' (SentencePiece BPE).");
    }
  }

  /** A metadata array of strings (GGUF arrays of arrays read as lists of other things). */
  private static String[] ggufStrings(Map<String, Object> md, String key, String file) {
    Object value = md.get(key);
    if (!(value instanceof List)) {
      throw ggufCorrupt(file, key + " must be an array of strings");
    }
    List<?> list = (List<?>) value;
    String[] out = new String[list.size()];
    for (int i = 0; i < out.length; i++) {
      Object o = list.get(i);
      if (!(o instanceof String)) {
        throw ggufCorrupt(file, key + " must be an array of strings, but element " + i + " is not a string");
      }
      out[i] = (String) o;
    }
    return out;
  }

  /** An optional token id: absent → null; otherwise an integer from 0 to {@code n - 1}. */
  private static @Nullable Integer ggufId(Map<String, Object> md, String key, int n, String file) {
    Object value = md.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Long) || (Long) value < 0 || (Long) value >= n) {
      throw ggufCorrupt(file, key + " must be a token id from 0 to " + (n - 1) + ", found "
          + Excerpt.escaped(String.valueOf(value)));
    }
    return ((Long) value).intValue();
  }

  private static boolean ggufFlag(Map<String, Object> md, String key, boolean fallback, String file) {
    Object value = md.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean)) {
      throw ggufCorrupt(file, key + " must be true or false");
    }
    return (Boolean) value;
  }

  private static MobiEditException ggufCorrupt(String file, String what) {
    return new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
        file + ": " + what + ". Convert or download the model again (e.g. with llama.cpp's convert_hf_to_gguf.py).");
  }

  private static int[] toArray(Set<Integer> s) {
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  // ---------------------------------------------------------------- files

  private static JsonSource source(Path file) {
    return new JsonSource(file.toString(), MobiEditException.Reason.TOKENIZER_CORRUPT,
        "Restore the model's original " + file.getFileName() + ".");
  }

  /** A tokenizer JSON file; missing → TOKENIZER_MISSING, unreadable → IO, bad content → TOKENIZER_CORRUPT. */
  static JsonValue readJson(Path file) {
    JsonSource source = source(file);
    return JsonValue.parse(readText(file, source), source);
  }

  private static String readText(Path file, JsonSource source) {
    try {
      return Utf8Text.read(file, MAX_FILE_BYTES, source::problem);
    } catch (NoSuchFileException e) {
      throw new MobiEditException(MobiEditException.Reason.TOKENIZER_MISSING,
          "Tokenizer file " + file + " does not exist. Copy the model's tokenizer files next to its weights.", e);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
