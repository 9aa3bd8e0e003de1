package org.mobiedit.core.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.testing.SharedData;

/**
 * The compact tables against plain maps: every one of Qwen2's 151,387 merges has the rank of its first line in
 * merges.txt, pairs of tokens that are not merges have none, and every token text finds its id (the lower one where
 * two share a text); a merge whose side is not a token (a truncated vocabulary) still has its rank.
 */
class MergeRanksTest {
  @Test
  void everyQwen2MergeHasItsRankAndOtherPairsHaveNone() throws IOException {
    ByteLevelBpeTokenizer t = Qwen2Tokenizer.get();
    List<String> lines = Files.readAllLines(SharedData.require("tokenizers/qwen2").resolve("merges.txt"),
        StandardCharsets.UTF_8);
    Map<String, Integer> expected = new HashMap<>();
    for (String line : lines) {
      if (!line.startsWith("#version") && !line.isEmpty()) {
        expected.putIfAbsent(line, expected.size());
      }
    }
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      String[] pair = e.getKey().split(" ", 2);
      assertEquals(e.getValue(), t.rank(pair[0], pair[1]), e.getKey());
    }
    SplittableRandom random = new SplittableRandom(5);
    Map<String, Integer> ids = SentencePieceMergeTest.idsOf(t.vocab);
    for (int i = 0; i < 20_000; i++) {
      String left = t.vocab.text(random.nextInt(t.vocab.size()));
      String right = t.vocab.text(random.nextInt(t.vocab.size()));
      assertEquals(expected.getOrDefault(left + " " + right, -1), t.rank(left, right), left + " " + right);
    }
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      assertEquals(e.getValue(), t.vocab.ids.find(e.getKey()), e.getKey());
    }
    assertEquals(-1, t.vocab.ids.find("not a token at all, surely"));
  }

  @Test
  void duplicateTextsFindTheLowerIdAndMergesOutsideTheVocabularyKeepTheirRank() {
    String[] tokens = {"a", "b", "ab", "a", null, "c"};
    TokenIndex index = new TokenIndex(tokens);
    assertEquals(0, index.find("a"));
    assertEquals(2, index.find("xaby", 1, 3));
    assertEquals(-1, index.find(""));
    Map<String, Integer> ranks = new HashMap<>();
    ranks.put("a b", 0);
    ranks.put("ab c", 1);
    ranks.put("b zz", 2); // zz is not a token
    ranks.put("a b c", 3); // two spaces: can never match a pair of symbols
    MergeRanks merges = new MergeRanks(ranks, index);
    assertEquals(0, merges.rank("ab", 0, 1, 2));
    assertEquals(1, merges.rank("abc", 0, 2, 3));
    assertEquals(2, merges.rank("bzz", 0, 1, 3));
    assertEquals(-1, merges.rank("ba", 0, 1, 2));
    assertEquals(-1, merges.rank("cq", 0, 1, 2));
  }
}
