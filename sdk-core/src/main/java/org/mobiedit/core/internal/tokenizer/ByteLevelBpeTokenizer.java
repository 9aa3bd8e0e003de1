package org.mobiedit.core.internal.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.tokenizer.ByteAlphabet;

/**
 * Byte-level BPE (GPT-2, Qwen2, Llama 3): the text is split by the model's pre-tokenizer regex, each piece's UTF-8
 * bytes are mapped to printable characters ({@link ByteAlphabet}), and adjacent symbols are merged in the order of
 * the merge list until no listed pair remains.
 */
final class ByteLevelBpeTokenizer extends AbstractTokenizer {
  private static final int CACHE_LIMIT = 50_000;
  /** Longer pieces are not cached: they are rare, and a cache of megabyte keys would hold on to the memory. */
  private static final int CACHED_PIECE_CHARS = 128;
  /**
   * NFC can turn up to 3 UTF-16 units into a 2-byte character (U+01D5 from U, U+0308, U+0304): with normalisation
   * a token of k bytes can stand for up to 1.5 × k characters of the text as given.
   */
  private static final int NFC_CHARS_PER_BYTE = 2;
  /**
   * The most combining marks in a row accepted in text that needs normalising: the platform's NFC sorts a run of
   * marks by insertion, in time growing with the square of its length (a million characters in runs of 1,000 take
   * about a second, one run of 200,000 takes minutes). Language needs a handful; Unicode's stream-safe format 30.
   */
  static final int MAX_COMBINING_RUN = 1_000;

  private final Pattern pretokenizer;
  private final MergeRanks mergeRanks;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  private final boolean nfc;
  private final boolean ignoreMerges;
  private final int maxCharsPerToken;
  /** Merge rank of every pair of single bytes (-1: none), so that the first pass over a word needs no lookups. */
  private final int[] bytePairRanks = new int[256 * 256];

  /**
   * @param mergeRanks {@code "left right"} → rank, a different rank for every pair (as the loaders number the merge
   *     list); lower merges first
   * @param nfc normalise text to Unicode NFC before splitting (Qwen2 does; GPT-2 does not)
   * @param ignoreMerges a word that is itself in the vocabulary becomes that token without merging (Llama 3's
   *     tokenizer.json sets {@code ignore_merges})
   */
  ByteLevelBpeTokenizer(Vocabulary vocab, Pattern pretokenizer, Map<String, Integer> mergeRanks, boolean nfc,
      boolean ignoreMerges) {
    super(vocab);
    this.pretokenizer = pretokenizer;
    this.mergeRanks = new MergeRanks(mergeRanks, vocab.ids);
    this.nfc = nfc;
    this.ignoreMerges = ignoreMerges;
    // A byte-level token of k symbols is k bytes, and every UTF-16 unit of text is at least one byte; added tokens
    // stored as plain text stand for their own characters.
    this.maxCharsPerToken = (int) Math.min(Integer.MAX_VALUE,
        (long) longestTokenChars() * (nfc ? NFC_CHARS_PER_BYTE : 1));
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        String pair = new String(new char[] {ByteAlphabet.charOf(a), ByteAlphabet.charOf(b)});
        bytePairRanks[a << 8 | b] = rankOf(pair, 0, 1, 1);
      }
    }
  }

  static String mergeKey(String left, String right) {
    return left + ' ' + right;
  }

  @Override
  public int maxCharsPerToken() {
    return maxCharsPerToken;
  }

  @Override
  void encodePlain(String text, boolean atStart, IntList out) {
    if (nfc) {
      checkCombiningRuns(text); // before isNormalized, which is as slow on long runs
      if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
        text = Normalizer.normalize(text, Normalizer.Form.NFC);
      }
    }
    PreTokenizer.split(pretokenizer, text, piece -> {
      int[] ids = piece.length() <= CACHED_PIECE_CHARS ? cache.get(piece) : null;
      if (ids == null) {
        ids = bpe(piece);
        if (piece.length() <= CACHED_PIECE_CHARS) {
          if (cache.size() > CACHE_LIMIT) {
            cache.clear();
          }
          cache.put(piece, ids);
        }
      }
      for (int id : ids) {
        out.add(id);
      }
    });
  }

  /**
   * Refuses text with more than {@link #MAX_COMBINING_RUN} combining marks in a row (every character that
   * normalisation reorders is a mark: general category Mn, Mc or Me).
   *
   * @throws MobiEditException {@code INVALID_REQUEST}, naming where the run starts (not the text)
   */
  static void checkCombiningRuns(String text) {
    int run = 0;
    int runStart = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int type = Character.getType(cp);
      if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
          || type == Character.ENCLOSING_MARK) {
        if (run++ == 0) {
          runStart = i;
        }
        if (run > MAX_COMBINING_RUN) {
          throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
              "The text has more than " + MAX_COMBINING_RUN + " combining marks in a row (from character "
                  + runStart + "): this tokenizer normalises text to Unicode NFC, which takes time growing with the"
                  + " square of such a run. Remove the repeated marks.");
        }
      } else {
        run = 0;
      }
      i += Character.charCount(cp);
    }
  }

  private int[] bpe(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    char[] word = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      word[i] = ByteAlphabet.charOf(bytes[i]);
    }
    String symbols = new String(word);
    if (ignoreMerges) {
      int whole = vocab.ids.find(symbols);
      if (whole >= 0) {
        return new int[] {whole};
      }
    }
    IntList ids = new IntList();
    for (String s : merge(symbols)) {
      int id = vocab.ids.find(s);
      if (id >= 0) {
        ids.add(id);
      } else {
        // Not in the vocabulary (a truncated vocabulary): fall back to single byte symbols.
        for (int i = 0; i < s.length(); i++) {
          int b = vocab.ids.find(s, i, i + 1);
          if (b >= 0) {
            ids.add(b);
          }
        }
      }
    }
    return ids.toArray();
  }

  /**
   * Merges a word given as one {@link ByteAlphabet} character per byte and returns its symbols, left to right.
   *
   * <p>The result is that of the reference algorithm (GPT-2's {@code encoder.py}): repeatedly take the listed pair
   * of lowest rank and merge all its occurrences, left to right and not overlapping, before looking at the pairs
   * this creates. Rescanning the word for every merge makes that quadratic in the word's length, so instead the
   * symbols form a linked list over the word (a symbol is its start and length) and the candidate pairs wait in a
   * priority queue keyed by (rank, start): one round pops every pair of the lowest rank in word order, skipping
   * entries a merge has made stale, and only then queues the pairs the round created. That is O(n log n) per word.
   */
  List<String> merge(String word) {
    int n = word.length();
    // len[i]: length of the symbol starting at i, or 0 if i is inside a symbol; the next symbol starts at i + len[i].
    int[] len = new int[n];
    int[] prev = new int[n];
    // pairRank[i]: rank of the pair the symbol at i forms with the next one now, or -1: a queue entry is stale when
    // it differs (a rank names one pair of texts, so a changed pair cannot have the entry's rank).
    int[] pairRank = new int[n];
    MergeQueue queue = new MergeQueue(n);
    for (int i = 0; i < n; i++) {
      len[i] = 1;
      prev[i] = i - 1;
      pairRank[i] = i + 1 < n ? bytePairRank(word.charAt(i), word.charAt(i + 1)) : -1;
      if (pairRank[i] >= 0) {
        queue.add(MergeQueue.entry(pairRank[i], i));
      }
    }
    MergeQueue created = new MergeQueue(16);
    while (!queue.isEmpty()) {
      int rank = MergeQueue.key(queue.peek());
      while (!queue.isEmpty() && MergeQueue.key(queue.peek()) == rank) {
        int left = MergeQueue.start(queue.poll());
        if (len[left] == 0 || pairRank[left] != rank) {
          continue; // stale: one of the two symbols has been merged since
        }
        int right = left + len[left];
        len[left] += len[right];
        len[right] = 0;
        int next = left + len[left];
        pairRank[left] = -1;
        if (next < n) {
          prev[next] = left;
          pairRank[left] = offer(created, word, left, len[left], len[next]);
        }
        if (prev[left] >= 0) {
          pairRank[prev[left]] = offer(created, word, prev[left], len[prev[left]], len[left]);
        }
      }
      while (!created.isEmpty()) {
        queue.add(created.poll());
      }
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i += len[i]) {
      out.add(word.substring(i, i + len[i]));
    }
    return out;
  }

  /** Queues the pair of symbols at {@code left} if it is a merge; returns its rank, or -1. */
  private int offer(MergeQueue queue, String word, int left, int leftLen, int rightLen) {
    int rank = rankOf(word, left, leftLen, rightLen);
    if (rank >= 0) {
      queue.add(MergeQueue.entry(rank, left));
    }
    return rank;
  }

  /** The rank of merging two single-byte symbols, from the table built once. */
  private int bytePairRank(char left, char right) {
    int a = ByteAlphabet.byteOf(left);
    int b = ByteAlphabet.byteOf(right);
    return a < 0 || b < 0 ? -1 : bytePairRanks[a << 8 | b];
  }

  /** The merge rank of the pair of symbols at {@code left}, or -1 if the pair is not in the merge list. */
  private int rankOf(String word, int left, int leftLen, int rightLen) {
    return mergeRanks.rank(word, left, left + leftLen, left + leftLen + rightLen);
  }

  /** The rank of merging {@code left} with {@code right}, or -1 if they are not a merge. */
  int rank(String left, String right) {
    String pair = left + right;
    return mergeRanks.rank(pair, 0, left.length(), pair.length());
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
    return Arrays.copyOf(out, n);
  }
}
