package org.mobiedit.core.internal.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.json.JsonValue;

/**
 * What {@code tokenizer_config.json} says: whether prompts start with BOS, the BOS/EOS tokens, added tokens and the
 * chat template. Every field is optional (absent or null); a missing file means "nothing said". A field that is
 * present must have its documented type, or the file is {@code TOKENIZER_CORRUPT}.
 */
final class TokenizerConfig {
  private static final TokenizerConfig NONE =
      new TokenizerConfig(null, null, null, null, null, null, null, Collections.emptyMap(), Collections.emptySet());

  private final @Nullable Boolean addBos;
  private final @Nullable JsonValue bosToken;
  private final @Nullable JsonValue eosToken;
  private final @Nullable String bosText;
  private final @Nullable String eosText;
  private final @Nullable String chatTemplate;
  private final @Nullable String tokenizerClass;
  private final Map<String, Integer> addedTokens;
  private final Set<String> specialTokens;

  private TokenizerConfig(@Nullable Boolean addBos, @Nullable JsonValue bosToken, @Nullable String bosText,
      @Nullable JsonValue eosToken, @Nullable String eosText, @Nullable String chatTemplate,
      @Nullable String tokenizerClass, Map<String, Integer> addedTokens, Set<String> specialTokens) {
    this.addBos = addBos;
    this.bosToken = bosToken;
    this.bosText = bosText;
    this.eosToken = eosToken;
    this.eosText = eosText;
    this.chatTemplate = chatTemplate;
    this.tokenizerClass = tokenizerClass;
    this.addedTokens = addedTokens;
    this.specialTokens = specialTokens;
  }

  static TokenizerConfig read(@Nullable Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return NONE;
    }
    JsonValue o = Tokenizers.readJson(file).object();
    Map<String, Integer> added = new LinkedHashMap<>();
    Set<String> specials = new LinkedHashSet<>();
    JsonValue decoder = o.field("added_tokens_decoder");
    if (decoder.isPresent()) {
      for (Map.Entry<String, JsonValue> e : decoder.fields().entrySet()) {
        JsonValue t = e.getValue();
        String content = t.field("content").string();
        added.put(content, tokenId(e.getKey(), t));
        if (t.field("special").boolOr(true)) {
          specials.add(content);
        }
      }
    }
    JsonValue bos = o.field("bos_token");
    JsonValue eos = o.field("eos_token");
    return new TokenizerConfig(o.field("add_bos_token").isPresent() ? o.field("add_bos_token").bool() : null,
        bos, tokenText(bos), eos, tokenText(eos), chatTemplate(o.field("chat_template")),
        o.field("tokenizer_class").stringOrNull(), added, specials);
  }

  /** A key of added_tokens_decoder: a decimal token id. */
  private static int tokenId(String key, JsonValue entry) {
    boolean digits = !key.isEmpty() && key.length() <= 7 && key.chars().allMatch(c -> c >= '0' && c <= '9');
    int id = digits ? Integer.parseInt(key) : -1;
    if (id < 0 || id >= Vocabulary.MAX_SIZE) {
      throw entry.problem("must be keyed by a token id from 0 to " + (Vocabulary.MAX_SIZE - 1));
    }
    return id;
  }

  /** A token given as a string or as {"content": ...}. */
  private static @Nullable String tokenText(JsonValue v) {
    if (!v.isPresent()) {
      return null;
    }
    return v.isString() ? v.string() : v.field("content").string();
  }

  /** A template string, or a list of named templates of which "default" is used. */
  private static @Nullable String chatTemplate(JsonValue v) {
    if (!v.isPresent() || v.isString()) {
      return v.stringOrNull();
    }
    for (JsonValue named : v.elements()) {
      if ("default".equals(named.field("name").stringOrNull())) {
        return named.field("template").string();
      }
    }
    return null;
  }

  /**
   * The problem of a token named by this file (bos_token, eos_token) that the vocabulary does not have: the two
   * files do not belong together.
   */
  MobiEditException notInVocabulary(boolean bos) {
    JsonValue field = bos ? bosToken : eosToken;
    String text = bos ? bosText : eosText;
    return Objects.requireNonNull(field).problem("names the token " + Excerpt.quoted(String.valueOf(text))
        + ", which is not in the tokenizer's vocabulary: the files do not belong together");
  }

  @Nullable Boolean addBos() {
    return addBos;
  }

  @Nullable String bosToken() {
    return bosText;
  }

  @Nullable String eosToken() {
    return eosText;
  }

  @Nullable String chatTemplate() {
    return chatTemplate;
  }

  @Nullable String tokenizerClass() {
    return tokenizerClass;
  }

  Map<String, Integer> addedTokens() {
    return addedTokens;
  }

  Set<String> specialTokens() {
    return specialTokens;
  }
}
