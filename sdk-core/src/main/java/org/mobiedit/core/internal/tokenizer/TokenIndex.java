package org.mobiedit.core.internal.tokenizer;

import org.jspecify.annotations.Nullable;

/**
 * Token text → id, as one open-addressed table of ints over the vocabulary's own strings (4 bytes a slot, about
 * 1 MiB for 150,000 tokens, where a {@code HashMap<String, Integer>} takes about 8 MiB). A lookup can take a range of
 * any character sequence, so the tokenizer's merge loop finds its symbols without making strings. Where two ids share
 * a text, the lower id is found, as the loaders have always done. Immutable once built; safe from any thread.
 */
final class TokenIndex {
  private final @Nullable String[] tokens;
  /** {@code id + 1} per slot, 0 for an empty one. */
  private final int[] slots;
  private final int mask;

  TokenIndex(@Nullable String[] tokens) {
    this.tokens = tokens;
    int count = 0;
    for (String t : tokens) {
      count += t == null ? 0 : 1;
    }
    int size = tableSize(count);
    this.slots = new int[size];
    this.mask = size - 1;
    for (int id = 0; id < tokens.length; id++) {
      String t = tokens[id];
      if (t == null) {
        continue;
      }
      int slot = spread(hash(t, 0, t.length())) & mask;
      while (slots[slot] != 0 && !tokens[slots[slot] - 1].equals(t)) {
        slot = (slot + 1) & mask;
      }
      if (slots[slot] == 0) {
        slots[slot] = id + 1;
      }
    }
  }

  /**
   * Slots of an open-addressed table for {@code entries} entries: a power of two that keeps it at most 60 % full, so
   * that a probe meets an empty slot soon (shared with {@link MergeRanks}).
   */
  static int tableSize(long entries) {
    return Integer.highestOneBit(Math.max(4, (int) Math.min(1 << 30, entries * 5 / 3))) * 2;
  }

  /** The id of {@code text}, or -1. */
  int find(String text) {
    return find(text, 0, text.length());
  }

  /** The id of the text {@code s[from, to)}, or -1. */
  int find(CharSequence s, int from, int to) {
    int slot = spread(hash(s, from, to)) & mask;
    while (true) {
      int entry = slots[slot];
      if (entry == 0) {
        return -1;
      }
      if (sameText(tokens[entry - 1], s, from, to)) {
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private static boolean sameText(@Nullable String token, CharSequence s, int from, int to) {
    if (token == null || token.length() != to - from) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) != s.charAt(from + i)) {
        return false;
      }
    }
    return true;
  }

  /** {@link String#hashCode()} of the range. */
  private static int hash(CharSequence s, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + s.charAt(i);
    }
    return h;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }
}
