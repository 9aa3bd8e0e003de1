package org.mobiedit.core.internal.tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.tokenizer.ChatFormat;
import org.mobiedit.spi.ModelSpec;

/**
 * The token table shared by both tokenizer kinds: id → text, text → id, which ids are special, and the
 * sequence-control settings (BOS, EOS, whether prompts start with BOS, chat format).
 *
 * <p>Ids no file names (gaps below the largest id) have no entry in {@link #tokens} and read as
 * {@code <|unused_N|>}; the text is made when asked for, so a table with gaps costs a reference and a flag per id.
 */
final class Vocabulary {
  /** The most ids a vocabulary may have: the same bound as a model's vocabulary size. */
  static final int MAX_SIZE = ModelSpec.MAX_VOCAB_SIZE;

  /** Token texts by id; null for an id no file names. */
  final @Nullable String[] tokens;
  final TokenIndex ids;
  final boolean[] special;
  final Map<String, Integer> matchedInText;
  final @Nullable Integer bos;
  final int[] eos;
  final boolean addBos;
  final ChatFormat chatFormat;

  /** The ids of {@code bos}, {@code eos} and {@code matchedInText} must be within the table (loaders check). */
  Vocabulary(@Nullable String[] tokens, boolean[] special, Map<String, Integer> matchedInText, @Nullable Integer bos,
      int[] eos, boolean addBos, ChatFormat chatFormat) {
    if (tokens.length > MAX_SIZE || special.length != tokens.length) {
      throw new IllegalArgumentException("a vocabulary of " + tokens.length + " ids with " + special.length
          + " special flags");
    }
    this.tokens = tokens;
    requireId(bos);
    for (int id : eos) {
      requireId(id);
    }
    matchedInText.values().forEach(this::requireId);
    this.special = special;
    this.matchedInText = new LinkedHashMap<>(matchedInText);
    this.bos = bos;
    this.eos = eos;
    this.addBos = addBos && bos != null;
    this.chatFormat = chatFormat;
    this.ids = new TokenIndex(tokens);
  }

  private void requireId(@Nullable Integer id) {
    if (id != null && (id < 0 || id >= tokens.length)) {
      throw new IllegalArgumentException("token id " + id + " outside a vocabulary of " + tokens.length);
    }
  }

  int size() {
    return tokens.length;
  }

  String text(int id) {
    if (id < 0 || id >= tokens.length) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Token id " + id + " is outside the vocabulary (0.." + (tokens.length - 1) + ").");
    }
    String t = tokens[id];
    return t != null ? t : "<|unused_" + id + "|>";
  }

  OptionalInt idOf(String text) {
    int id = ids.find(text);
    return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
  }
}
