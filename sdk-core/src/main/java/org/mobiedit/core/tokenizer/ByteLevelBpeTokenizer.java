package org.mobiedit.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-level BPE (GPT-2, Qwen2, Llama 3): the text is split by the model's pre-tokenizer regex, each piece's UTF-8
 * bytes are mapped to printable characters ({@link ByteAlphabet}), and adjacent symbols are merged in the order of
 * the merge list until no listed pair remains.
 */
final class ByteLevelBpeTokenizer extends AbstractTokenizer {
  private static final int CACHE_LIMIT = 50_000;

  private final Pattern pretokenizer;
  private final Map<String, Integer> mergeRanks;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  private final boolean nfc;
  private final boolean ignoreMerges;

  /**
   * @param nfc normalise text to Unicode NFC before splitting (Qwen2 does; GPT-2 does not)
   * @param ignoreMerges a word that is itself in the vocabulary becomes that token without merging (Llama 3's
   *     tokenizer.json sets {@code ignore_merges})
   */
  ByteLevelBpeTokenizer(Vocabulary vocab, Pattern pretokenizer, Map<String, Integer> mergeRanks, boolean nfc,
      boolean ignoreMerges) {
    super(vocab);
    this.pretokenizer = pretokenizer;
    this.mergeRanks = mergeRanks;
    this.nfc = nfc;
    this.ignoreMerges = ignoreMerges;
  }

  static String mergeKey(String left, String right) {
    return left + ' ' + right;
  }

  @Override
  void encodePlain(String text, boolean atStart, IntList out) {
    if (nfc && !Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
      text = Normalizer.normalize(text, Normalizer.Form.NFC);
    }
    Matcher m = pretokenizer.matcher(text);
    while (m.find()) {
      String piece = m.group();
      if (piece.isEmpty()) {
        continue;
      }
      int[] ids = cache.get(piece);
      if (ids == null) {
        ids = bpe(piece);
        if (cache.size() > CACHE_LIMIT) {
          cache.clear();
        }
        cache.put(piece, ids);
      }
      for (int id : ids) {
        out.add(id);
      }
    }
  }

  private int[] bpe(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    List<String> symbols = new ArrayList<>(bytes.length);
    StringBuilder word = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      symbols.add(String.valueOf(ByteAlphabet.charOf(b)));
      word.append(ByteAlphabet.charOf(b));
    }
    if (ignoreMerges) {
      Integer whole = vocab.ids.get(word.toString());
      if (whole != null) {
        return new int[] {whole};
      }
    }
    while (symbols.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      int bestAt = -1;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        Integer r = mergeRanks.get(mergeKey(symbols.get(i), symbols.get(i + 1)));
        if (r != null && r < bestRank) {
          bestRank = r;
          bestAt = i;
        }
      }
      if (bestAt < 0) {
        break;
      }
      String left = symbols.get(bestAt);
      String right = symbols.get(bestAt + 1);
      List<String> merged = new ArrayList<>(symbols.size());
      for (int i = 0; i < symbols.size(); i++) {
        if (i + 1 < symbols.size() && symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
          merged.add(left + right);
          i++;
        } else {
          merged.add(symbols.get(i));
        }
      }
      symbols = merged;
    }
    IntList ids = new IntList();
    for (String s : symbols) {
      Integer id = vocab.ids.get(s);
      if (id != null) {
        ids.add(id);
      } else {
        // Not in the vocabulary (a truncated vocabulary): fall back to single byte symbols.
        for (int i = 0; i < s.length(); i++) {
          Integer b = vocab.ids.get(String.valueOf(s.charAt(i)));
          if (b != null) {
            ids.add(b);
          }
        }
      }
    }
    return ids.toArray();
  }

  @Override
  byte[] tokenBytes(int id) {
    String t = vocab.text(id);
    if (vocab.special[id]) {
      return t.getBytes(StandardCharsets.UTF_8);
    }
    byte[] out = new byte[t.length()];
    int n = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      int b = ByteAlphabet.byteOf(c);
      if (b < 0) {
        return t.getBytes(StandardCharsets.UTF_8); // an added token stored as plain text
      }
      out[n++] = (byte) b;
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
