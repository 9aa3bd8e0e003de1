package org.mobiedit.core.internal.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * The rank of every merge of a byte-level BPE, keyed by the ids of its two tokens: an open-addressed table of
 * {@code long} pairs and {@code int} ranks (12 bytes a slot, about 3 MiB for Qwen2's 151,387 merges, where the
 * loaders' {@code "left right"} → rank map takes about 16 MiB with its strings). A merge whose two sides are not both
 * tokens of the vocabulary (possible in a truncated vocabulary) keeps its text key in a small map beside. Immutable
 * once built; safe from any thread.
 */
final class MergeRanks {
  private final TokenIndex index;
  /** {@code (left + 1) << 32 | (right + 1)} per slot, 0 for an empty one. */
  private final long[] pairs;
  private final int[] ranks;
  private final int mask;
  private final Map<String, Integer> byText = new HashMap<>();

  /**
   * @param ranks {@code "left right"} → rank, as the loaders read the merge list; a key without exactly one space, or
   *     with a negative rank, can never match and is dropped
   */
  MergeRanks(Map<String, Integer> ranks, TokenIndex index) {
    this.index = index;
    int size = TokenIndex.tableSize(ranks.size());
    this.pairs = new long[size];
    this.ranks = new int[size];
    this.mask = size - 1;
    for (Map.Entry<String, Integer> e : ranks.entrySet()) {
      String key = e.getKey();
      int space = key.indexOf(' ');
      if (space < 0 || key.indexOf(' ', space + 1) >= 0 || e.getValue() < 0) {
        continue;
      }
      int left = index.find(key, 0, space);
      int right = index.find(key, space + 1, key.length());
      if (left < 0 || right < 0) {
        byText.put(key, e.getValue());
        continue;
      }
      long pair = pair(left, right);
      int slot = slot(pair);
      while (pairs[slot] != 0 && pairs[slot] != pair) {
        slot = (slot + 1) & mask;
      }
      pairs[slot] = pair;
      this.ranks[slot] = e.getValue();
    }
  }

  /** The rank of merging {@code s[from, middle)} with {@code s[middle, to)}, or -1 if they are not a merge. */
  int rank(CharSequence s, int from, int middle, int to) {
    int left = index.find(s, from, middle);
    int right = left < 0 ? -1 : index.find(s, middle, to);
    if (left >= 0 && right >= 0) {
      long pair = pair(left, right);
      int slot = slot(pair);
      while (pairs[slot] != 0) {
        if (pairs[slot] == pair) {
          return ranks[slot];
        }
        slot = (slot + 1) & mask;
      }
      return -1;
    }
    if (byText.isEmpty()) {
      return -1;
    }
    Integer r = byText.get(s.subSequence(from, middle) + " " + s.subSequence(middle, to));
    return r == null ? -1 : r;
  }

  private static long pair(int left, int right) {
    return (left + 1L) << 32 | (right + 1L);
  }

  private int slot(long pair) {
    long h = pair * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32) & mask;
  }
}
