package org.mobiedit.core.tokenizer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;

/**
 * The token table shared by both tokenizer kinds: id → text, text → id, which ids are special, and the
 * sequence-control settings (BOS, EOS, whether prompts start with BOS, chat format).
 */
final class Vocabulary {
  final String[] tokens;
  final Map<String, Integer> ids;
  final boolean[] special;
  final Map<String, Integer> matchedInText;
  final @Nullable Integer bos;
  final int[] eos;
  final boolean addBos;
  final ChatFormat chatFormat;

  Vocabulary(String[] tokens, boolean[] special, Map<String, Integer> matchedInText, @Nullable Integer bos,
      int[] eos, boolean addBos, ChatFormat chatFormat) {
    this.tokens = tokens;
    this.special = special;
    this.matchedInText = new LinkedHashMap<>(matchedInText);
    this.bos = bos;
    this.eos = eos;
    this.addBos = addBos && bos != null;
    this.chatFormat = chatFormat;
    this.ids = new HashMap<>(tokens.length * 2);
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] != null) {
        ids.putIfAbsent(tokens[i], i);
      }
    }
  }

  int size() {
    return tokens.length;
  }

  String text(int id) {
    if (id < 0 || id >= tokens.length || tokens[id] == null) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Token id " + id + " is outside the vocabulary (0.." + (tokens.length - 1) + ").");
    }
    return tokens[id];
  }

  OptionalInt idOf(String text) {
    Integer id = ids.get(text);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }
}
