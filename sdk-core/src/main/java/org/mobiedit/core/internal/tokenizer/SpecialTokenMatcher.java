package org.mobiedit.core.internal.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits text into plain segments and added/special tokens written literally in it (longest match first), so that
 * {@code "<|im_start|>user"} becomes the special token followed by the text {@code "user"}.
 *
 * <p>The tokens are kept sorted; at each position of the text the range of tokens that start with the text read so
 * far is narrowed one character at a time by galloping search. A position costs at most about the length of the
 * longest token (bounded at load, see {@link Tokenizers}) times a logarithm, however many tokens share a prefix;
 * comparing every token with the same first character, as before, let a tokenizer file with many long look-alike
 * tokens make each position cost their total length.
 */
final class SpecialTokenMatcher {
  /** A piece of text: either a special token id, or plain text ({@code id < 0}). */
  record Segment(int id, String text) {}

  private final String[] tokens;
  private final int[] ids;

  SpecialTokenMatcher(Map<String, Integer> specials) {
    TreeMap<String, Integer> sorted = new TreeMap<>();
    for (Map.Entry<String, Integer> e : specials.entrySet()) {
      if (!e.getKey().isEmpty()) {
        sorted.put(e.getKey(), e.getValue());
      }
    }
    tokens = sorted.keySet().toArray(new String[0]);
    ids = sorted.values().stream().mapToInt(Integer::intValue).toArray();
  }

  List<Segment> split(String text) {
    List<Segment> out = new ArrayList<>();
    if (tokens.length == 0) {
      out.add(new Segment(-1, text));
      return out;
    }
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      int hit = longestAt(text, i);
      if (hit < 0) {
        i++;
        continue;
      }
      if (i > start) {
        out.add(new Segment(-1, text.substring(start, i)));
      }
      out.add(new Segment(ids[hit], tokens[hit]));
      i += tokens[hit].length();
      start = i;
    }
    if (start < text.length()) {
      out.add(new Segment(-1, text.substring(start)));
    }
    return out;
  }

  /** The index of the longest token that starts at {@code at}, or -1. */
  private int longestAt(String text, int at) {
    int lo = 0;
    int hi = tokens.length;
    int best = -1;
    // Invariant: tokens[lo, hi) are the tokens that start with text[at, at + d).
    for (int d = 0; at + d < text.length(); d++) {
      if (tokens[lo].length() == d) {
        lo++; // the token equal to the text read so far (sorted first) is already recorded; it has no char d
      }
      char c = text.charAt(at + d);
      lo = firstWithCharAtLeast(lo, hi, d, c);
      hi = firstWithCharAbove(lo, hi, d, c);
      if (lo >= hi) {
        break;
      }
      if (tokens[lo].length() == d + 1) {
        best = lo;
      }
    }
    return best;
  }

  /**
   * Within tokens[lo, hi), all longer than d and sorted by char d: the first whose char d is >= c, else hi. Gallops
   * from lo, so a bound that moves little costs little.
   */
  private int firstWithCharAtLeast(int lo, int hi, int d, char c) {
    int step = 1;
    int probe = lo;
    while (probe < hi && tokens[probe].charAt(d) < c) {
      lo = probe + 1;
      probe = lo + step;
      step <<= 1;
    }
    hi = Math.min(probe, hi);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (tokens[mid].charAt(d) < c) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Within tokens[lo, hi), as above: the first whose char d is > c, else hi. Gallops from hi. */
  private int firstWithCharAbove(int lo, int hi, int d, char c) {
    int step = 1;
    int probe = hi - 1;
    while (probe >= lo && tokens[probe].charAt(d) > c) {
      hi = probe;
      probe = hi - step;
      step <<= 1;
    }
    lo = Math.max(probe + 1, lo);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (tokens[mid].charAt(d) <= c) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
