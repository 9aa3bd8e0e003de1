package org.mobiedit.core.internal.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.mobiedit.core.tokenizer.ByteAlphabet;
import org.mobiedit.core.tokenizer.ChatFormat;

/** Small tokenizers the tests build in memory, without files. */
final class HandMadeTokenizers {
  private HandMadeTokenizers() {}

  /**
   * A byte-level tokenizer whose vocabulary is the 256 byte symbols, then the results of {@code merges} (pairs of
   * symbol strings, in rank order), then {@code added} tokens matched literally in text.
   */
  static ByteLevelBpeTokenizer byteLevel(List<String[]> merges, List<String> added, Pattern pretokenizer,
      boolean nfc) {
    List<String> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(String.valueOf(ByteAlphabet.charOf(b)));
    }
    Map<String, Integer> ranks = new HashMap<>();
    for (String[] m : merges) {
      String merged = m[0] + m[1];
      if (!tokens.contains(merged)) {
        tokens.add(merged);
      }
      ranks.putIfAbsent(ByteLevelBpeTokenizer.mergeKey(m[0], m[1]), ranks.size());
    }
    Map<String, Integer> matched = new LinkedHashMap<>();
    for (String a : added) {
      matched.put(a, tokens.size());
      tokens.add(a);
    }
    boolean[] special = new boolean[tokens.size()];
    for (int id : matched.values()) {
      special[id] = true;
    }
    Vocabulary v = new Vocabulary(tokens.toArray(new String[0]), special, matched, null, new int[0], false,
        ChatFormat.NONE);
    return new ByteLevelBpeTokenizer(v, pretokenizer, ranks, nfc, false);
  }

  /** {@link #byteLevel} with the GPT-2 pre-tokenizer, no added tokens and no normalisation. */
  static ByteLevelBpeTokenizer byteLevel(List<String[]> merges) {
    return byteLevel(merges, List.of(), PreTokenizer.compile(PreTokenizer.GPT2), false);
  }

  /**
   * A SentencePiece tokenizer with byte fallback: {@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens,
   * {@code ▁}, then {@code pieces} with scores falling in their order (earlier pieces merge first).
   */
  static SentencePieceBpeTokenizer sentencePiece(List<String> pieces, List<String> added) {
    List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
    for (int b = 0; b < 256; b++) {
      tokens.add(String.format("<0x%02X>", b));
    }
    tokens.add("\u2581");
    tokens.addAll(pieces);
    Map<String, Integer> matched = new LinkedHashMap<>();
    for (String a : added) {
      matched.put(a, tokens.size());
      tokens.add(a);
    }
    float[] scores = new float[tokens.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = -i;
    }
    boolean[] special = new boolean[tokens.size()];
    special[1] = true;
    special[2] = true;
    Vocabulary v = new Vocabulary(tokens.toArray(new String[0]), special, matched, 1, new int[] {2}, true,
        ChatFormat.NONE);
    return new SentencePieceBpeTokenizer(v, scores, null, true);
  }
}
