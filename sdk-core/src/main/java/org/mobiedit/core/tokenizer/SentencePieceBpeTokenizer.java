package org.mobiedit.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.PriorityQueue;
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
  }

  /** A symbol in the doubly linked list of the text being merged. */
  private static final class Sym {
    String text;
    int prev;
    int next;
  }

  private record Candidate(int left, int right, double priority, String merged) {}

  @Override
  void encodePlain(String text, boolean atStart, IntList out) {
    if (text.isEmpty()) {
      return;
    }
    String normalized = ((addSpacePrefix && atStart) ? " " + text : text).replace(' ', SPACE);
    int[] cps = normalized.codePoints().toArray();
    Sym[] syms = new Sym[cps.length];
    for (int i = 0; i < cps.length; i++) {
      Sym s = new Sym();
      s.text = new String(Character.toChars(cps[i]));
      s.prev = i - 1;
      s.next = i + 1 < cps.length ? i + 1 : -1;
      syms[i] = s;
    }
    // Best candidate first; ties go to the leftmost pair.
    PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) -> {
      int c = Double.compare(b.priority, a.priority);
      return c != 0 ? c : Integer.compare(a.left, b.left);
    });
    for (int i = 0; i + 1 < syms.length; i++) {
      offer(queue, syms, i, i + 1);
    }
    while (!queue.isEmpty()) {
      Candidate c = queue.poll();
      Sym l = syms[c.left];
      Sym r = syms[c.right];
      if (l.text == null || r.text == null || l.next != c.right || !c.merged.equals(l.text + r.text)) {
        continue; // stale
      }
      l.text = c.merged;
      l.next = r.next;
      r.text = null;
      if (r.next >= 0) {
        syms[r.next].prev = c.left;
      }
      if (l.prev >= 0) {
        offer(queue, syms, l.prev, c.left);
      }
      if (l.next >= 0) {
        offer(queue, syms, c.left, l.next);
      }
    }
    for (int i = 0; i >= 0 && i < syms.length; i = syms[i].next) {
      String t = syms[i].text;
      Integer id = vocab.ids.get(t);
      if (id != null) {
        out.add(id);
      } else {
        for (byte b : t.getBytes(StandardCharsets.UTF_8)) {
          int bt = byteTokens[b & 0xff];
          out.add(bt >= 0 ? bt : unknownId());
        }
      }
    }
  }

  private int unknownId() {
    return vocab.idOf("<unk>").orElse(0);
  }

  private void offer(PriorityQueue<Candidate> queue, Sym[] syms, int left, int right) {
    String merged = syms[left].text + syms[right].text;
    Integer id = vocab.ids.get(merged);
    if (id == null) {
      return;
    }
    double priority;
    if (scores != null) {
      priority = scores[id];
    } else {
      Integer rank = mergeRanks == null ? null : mergeRanks.get(syms[left].text + ' ' + syms[right].text);
      if (rank == null) {
        return;
      }
      priority = -rank;
    }
    queue.add(new Candidate(left, right, priority, merged));
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
