package org.mobiedit.core.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;

/**
 * What {@code tokenizer_config.json} says: whether prompts start with BOS, the BOS/EOS tokens, added tokens and the
 * chat template. Every field is optional; a missing file means "nothing said".
 */
final class TokenizerConfig {
  private final @Nullable Boolean addBos;
  private final @Nullable String bosToken;
  private final @Nullable String eosToken;
  private final @Nullable String chatTemplate;
  private final @Nullable String tokenizerClass;
  private final Map<String, Integer> addedTokens;
  private final Set<String> specialTokens;

  private TokenizerConfig(@Nullable Boolean addBos, @Nullable String bosToken, @Nullable String eosToken,
      @Nullable String chatTemplate, @Nullable String tokenizerClass, Map<String, Integer> addedTokens,
      Set<String> specialTokens) {
    this.addBos = addBos;
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    this.chatTemplate = chatTemplate;
    this.tokenizerClass = tokenizerClass;
    this.addedTokens = addedTokens;
    this.specialTokens = specialTokens;
  }

  static TokenizerConfig read(@Nullable Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return new TokenizerConfig(null, null, null, null, null, Map.of(), Set.of());
    }
    JsonElement root = Tokenizers.readJson(file);
    try {
      JsonObject o = root.getAsJsonObject();
      Map<String, Integer> added = new LinkedHashMap<>();
      Set<String> specials = new LinkedHashSet<>();
      if (o.has("added_tokens_decoder") && o.get("added_tokens_decoder").isJsonObject()) {
        for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("added_tokens_decoder").entrySet()) {
          JsonObject t = e.getValue().getAsJsonObject();
          String content = t.get("content").getAsString();
          added.put(content, Integer.parseInt(e.getKey()));
          if (!t.has("special") || t.get("special").getAsBoolean()) {
            specials.add(content);
          }
        }
      }
      return new TokenizerConfig(
          o.has("add_bos_token") && o.get("add_bos_token").isJsonPrimitive() ? o.get("add_bos_token").getAsBoolean()
              : null,
          tokenText(o.get("bos_token")),
          tokenText(o.get("eos_token")),
          o.has("chat_template") && o.get("chat_template").isJsonPrimitive() ? o.get("chat_template").getAsString()
              : null,
          o.has("tokenizer_class") && o.get("tokenizer_class").isJsonPrimitive()
              ? o.get("tokenizer_class").getAsString() : null,
          added, specials);
    } catch (IllegalStateException | NumberFormatException | NullPointerException e) {
      throw new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
          file + " is malformed (" + e + "). Restore the model's original tokenizer_config.json.", e);
    }
  }

  /** A token given as a string or as {"content": ...}. */
  private static @Nullable String tokenText(@Nullable JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (e.isJsonPrimitive()) {
      return e.getAsString();
    }
    if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
      return e.getAsJsonObject().get("content").getAsString();
    }
    return null;
  }

  @Nullable Boolean addBos() {
    return addBos;
  }

  @Nullable String bosToken() {
    return bosToken;
  }

  @Nullable String eosToken() {
    return eosToken;
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
