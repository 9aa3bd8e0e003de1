package org.mobiedit.core.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.core.tokenizer.ChatFormat;
import org.mobiedit.core.tokenizer.Tokenizer;

/** SentencePiece merging on arrays and a queue of longs gives the ids the object-based loop gave. */
class SentencePieceMergeTest {

  /** The merge loop as it was: symbol objects, candidate objects holding the merged text, a PriorityQueue. */
  static int[] referenceEncode(String text, Map<String, Integer> ids, float @Nullable [] scores,
      @Nullable Map<String, Integer> ranks, boolean addSpacePrefix) {
    if (text.isEmpty()) {
      return new int[0];
    }
    String normalized = (addSpacePrefix ? " " + text : text).replace(' ', '\u2581');
    int[] cps = normalized.codePoints().toArray();
    String[] sym = new String[cps.length];
    int[] prev = new int[cps.length];
    int[] next = new int[cps.length];
    for (int i = 0; i < cps.length; i++) {
      sym[i] = new String(Character.toChars(cps[i]));
      prev[i] = i - 1;
      next[i] = i + 1 < cps.length ? i + 1 : -1;
    }
    record Candidate(int left, int right, double priority, String merged) {}
    PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) -> {
      int c = Double.compare(b.priority, a.priority);
      return c != 0 ? c : Integer.compare(a.left, b.left);
    });
    java.util.function.BiConsumer<Integer, Integer> offer = (l, r) -> {
      String merged = sym[l] + sym[r];
      Integer id = ids.get(merged);
      if (id == null) {
        return;
      }
      double priority;
      if (scores != null) {
        priority = scores[id];
      } else {
        Integer rank = ranks.get(sym[l] + ' ' + sym[r]);
        if (rank == null) {
          return;
        }
        priority = -rank;
      }
      queue.add(new Candidate(l, r, priority, merged));
    };
    for (int i = 0; i + 1 < cps.length; i++) {
      offer.accept(i, i + 1);
    }
    while (!queue.isEmpty()) {
      Candidate c = queue.poll();
      if (sym[c.left] == null || sym[c.right] == null || next[c.left] != c.right
          || !c.merged.equals(sym[c.left] + sym[c.right])) {
        continue;
      }
      sym[c.left] = c.merged;
      next[c.left] = next[c.right];
      sym[c.right] = null;
      if (next[c.right] >= 0) {
        prev[next[c.right]] = c.left;
      }
      if (prev[c.left] >= 0) {
        offer.accept(prev[c.left], c.left);
      }
      if (next[c.left] >= 0) {
        offer.accept(c.left, next[c.left]);
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i >= 0 && i < cps.length; i = next[i]) {
      Integer id = ids.get(sym[i]);
      if (id != null) {
        out.add(id);
      } else {
        for (byte b : sym[i].getBytes(StandardCharsets.UTF_8)) {
          out.add(ids.getOrDefault(String.format("<0x%02X>", b & 0xff), ids.getOrDefault("<unk>", 0)));
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A vocabulary of random pieces over a, b, c and ▁; scores from a small set, so that ties are common. */
  private static Object[] randomVocabulary(Random r, boolean withRanks) {
    Set<String> pieces = new LinkedHashSet<>(List.of("a", "b", "c", "é"));
    while (pieces.size() < 150) {
      StringBuilder p = new StringBuilder();
      int n = 2 + r.nextInt(5);
      for (int i = 0; i < n; i++) {
        p.append("abc\u2581".charAt(r.nextInt(4)));
      }
      pieces.add(p.toString());
    }
    List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
    for (int b = 0; b < 256; b++) {
      tokens.add(String.format("<0x%02X>", b));
    }
    tokens.add("\u2581");
    tokens.addAll(pieces);
    float[] scores = new float[tokens.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = -r.nextInt(20);
    }
    Map<String, Integer> ranks = null;
    if (withRanks) {
      ranks = new HashMap<>();
      for (String p : pieces) {
        for (int cut = 1; cut < p.length(); cut++) {
          if (r.nextInt(3) == 0) {
            ranks.putIfAbsent(p.substring(0, cut) + ' ' + p.substring(cut), ranks.size());
          }
        }
      }
    }
    boolean[] special = new boolean[tokens.size()];
    Vocabulary v = new Vocabulary(tokens.toArray(new String[0]), special, Map.of(), 1, new int[] {2}, true,
        ChatFormat.NONE);
    SentencePieceBpeTokenizer t = new SentencePieceBpeTokenizer(v, withRanks ? null : scores, ranks, true);
    return new Object[] {t, scores, ranks};
  }

  private static String randomText(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(60);
    for (int i = 0; i < n; i++) {
      sb.append("abc ée\ud83e\udd99".charAt(r.nextInt(8)));
    }
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  @Test
  void scoreAndRankMergesGiveTheReferenceIdsOnRandomVocabularies() {
    Random r = new Random(23);
    for (boolean withRanks : new boolean[] {false, true}) {
      for (int v = 0; v < 20; v++) {
        Object[] made = randomVocabulary(r, withRanks);
        SentencePieceBpeTokenizer t = (SentencePieceBpeTokenizer) made[0];
        for (int i = 0; i < 100; i++) {
          String text = randomText(r);
          assertArrayEquals(referenceEncode(text, idsOf(t.vocab), withRanks ? null : (float[]) made[1],
              (Map<String, Integer>) made[2], true), t.encode(text), text);
        }
      }
    }
  }

  @Test
  void theLlamaVocabularyGivesTheReferenceIds() {
    Path f = SharedData.require("tokenizers/llama-spm/ggml-vocab-llama-spm.gguf");
    Tokenizer t;
    float[] scores;
    try (GgufFile g = GgufFile.open(f)) {
      t = Tokenizers.fromGgufMetadata(g.metadata());
      double[] d = (double[]) g.metadata().get("tokenizer.ggml.scores");
      scores = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        scores[i] = (float) d[i];
      }
    }
    Map<String, Integer> ids = idsOf(((AbstractTokenizer) t).vocab);
    Random r = new Random(24);
    for (int i = 0; i < 300; i++) {
      String text = MixedText.random(r, 1 + r.nextInt(30));
      assertArrayEquals(referenceEncode(text, ids, scores, null, true), t.encode(text), text);
    }
  }

  @Test
  void aMillionCharactersEncodeInBoundedTime() {
    SentencePieceBpeTokenizer t = HandMadeTokenizers.sentencePiece(List.of("x", "xx", "xxxx", "\u2581x"), List.of());
    int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> t.encode("x".repeat(1_000_000)));
    assertEquals(250_001, ids.length);
  }

  /** Text → id as a plain map, the lower id first where two share a text: the reference for the token index. */
  static Map<String, Integer> idsOf(Vocabulary v) {
    Map<String, Integer> ids = new java.util.HashMap<>();
    for (int id = 0; id < v.tokens.length; id++) {
      if (v.tokens[id] != null) {
        ids.putIfAbsent(v.tokens[id], id);
      }
    }
    return ids;
  }
}
