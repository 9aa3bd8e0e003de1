package org.mobiedit.core.internal.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * SentencePiece-style BPE with byte fallback (Llama 2, TinyLlama, llama2.c): spaces become {@code ▁} (with one
 * prepended at the start of the text), the text starts as single characters, and the adjacent pair whose merge is
 * best is merged repeatedly — best meaning the highest vocabulary score (GGUF, SentencePiece) or the lowest merge
 * rank (tokenizer.json). Characters left that are not in the vocabulary become their UTF-8 bytes as
 * {@code <0xXX>} tokens.
 */
final class SentencePieceBpeTokenizer extends AbstractTokenizer {
  static final char SPACE = '\u2581';

  private final float @Nullable [] scores;
  private final @Nullable Map<String, Integer> mergeRanks;
  private final boolean addSpacePrefix;
  private final int[] byteTokens = new int[256];
  private final int maxCharsPerToken;

  /** With exactly one of {@code scores} (higher merges first) or {@code mergeRanks} (lower merges first). */
  SentencePieceBpeTokenizer(Vocabulary vocab, float @Nullable [] scores, @Nullable Map<String, Integer> mergeRanks,
      boolean addSpacePrefix) {
    super(vocab);
    this.scores = scores;
    this.mergeRanks = mergeRanks;
    this.addSpacePrefix = addSpacePrefix;
    for (int b = 0; b < 256; b++) {
      byteTokens[b] = vocab.idOf(String.format("<0x%02X>", b)).orElse(-1);
    }
    // A token stands for its own characters (▁ for a space), a byte token for part of one.
    this.maxCharsPerToken = longestTokenChars();
  }

  @Override
  public int maxCharsPerToken() {
    return maxCharsPerToken;
  }

  /** Order key of a pair that has no merge. */
  private static final long NO_MERGE = Long.MAX_VALUE;

  /**
   * Merges the text's characters and appends the ids of the resulting symbols.
   *
   * <p>The symbols form a linked list over the text (a symbol is its start and length; {@code len} is 0 inside a
   * symbol) and the candidate pairs wait in a {@link MergeQueue} ordered by merge priority, then leftmost first;
   * an entry whose pair a merge has changed since is skipped when it comes up. O(n log n) in the text's length.
   */
  @Override
  void encodePlain(String text, boolean atStart, IntList out) {
    if (text.isEmpty()) {
      return;
    }
    String s = ((addSpacePrefix && atStart) ? " " + text : text).replace(' ', SPACE);
    int n = s.length();
    int[] len = new int[n];
    int[] prev = new int[n];
    int last = -1;
    for (int i = 0; i < n; i += len[i]) {
      len[i] = Character.charCount(s.codePointAt(i)); // a lone surrogate is a symbol of its own
      prev[i] = last;
      last = i;
    }
    MergeQueue queue = new MergeQueue(n);
    for (int i = 0; i + len[i] < n; i += len[i]) {
      offer(queue, s, i, len[i], len[i + len[i]]);
    }
    while (!queue.isEmpty()) {
      long e = queue.poll();
      int left = MergeQueue.start(e);
      int right = left + len[left];
      if (len[left] == 0 || right >= n || mergeKey(s, left, len[left], len[right]) != MergeQueue.key(e)) {
        continue; // stale: one of the two symbols has been merged since
      }
      len[left] += len[right];
      len[right] = 0;
      int next = left + len[left];
      if (prev[left] >= 0) {
        offer(queue, s, prev[left], len[prev[left]], len[left]);
      }
      if (next < n) {
        prev[next] = left;
        offer(queue, s, left, len[left], len[next]);
      }
    }
    for (int i = 0; i < n; i += len[i]) {
      int id = vocab.ids.find(s, i, i + len[i]);
      if (id >= 0) {
        out.add(id);
      } else {
        for (byte b : s.substring(i, i + len[i]).getBytes(StandardCharsets.UTF_8)) {
          int bt = byteTokens[b & 0xff];
          out.add(bt >= 0 ? bt : unknownId());
        }
      }
    }
  }

  private int unknownId() {
    return vocab.idOf("<unk>").orElse(0);
  }

  private void offer(MergeQueue queue, String s, int left, int leftLen, int rightLen) {
    long key = mergeKey(s, left, leftLen, rightLen);
    if (key != NO_MERGE) {
      queue.add(MergeQueue.entry((int) key, left));
    }
  }

  /**
   * The order key of merging the two symbols at {@code left} (the higher the score or the lower the rank, the
   * smaller), or {@link #NO_MERGE} when the merged text is not a token or, with ranks, the pair is not a merge.
   */
  private long mergeKey(String s, int left, int leftLen, int rightLen) {
    int end = left + leftLen + rightLen;
    int id = vocab.ids.find(s, left, end);
    if (id < 0) {
      return NO_MERGE;
    }
    if (scores != null) {
      return MergeQueue.descending(scores[id]);
    }
    Integer rank = mergeRanks == null ? null
        : mergeRanks.get(s.substring(left, left + leftLen) + ' ' + s.substring(left + leftLen, end));
    return rank == null ? NO_MERGE : rank;
  }

  @Override
  byte[] tokenBytes(int id) {
    String t = vocab.text(id);
    if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
      try {
        return new byte[] {(byte) Integer.parseInt(t.substring(3, 5), 16)};
      } catch (NumberFormatException ignored) {
        // a normal token that happens to look like a byte token
      }
    }
    return t.replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String decode(int[] ids) {
    String s = super.decode(ids);
    // The prefix space added at encoding is not part of the text.
    return addSpacePrefix && s.startsWith(" ") ? s.substring(1) : s;
  }
}
