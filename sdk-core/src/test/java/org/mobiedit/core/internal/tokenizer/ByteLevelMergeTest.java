package org.mobiedit.core.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToIntBiFunction;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.tokenizer.ByteAlphabet;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * The byte-level merge loop: the same symbols as the reference algorithm (rescan for the lowest-ranked pair, merge
 * all its occurrences, repeat), in time that grows as n log n with the word's length instead of quadratically.
 */
class ByteLevelMergeTest {

  /** The merge loop as GPT-2's encoder.py (and this project before) wrote it: a rescan of the word per merge. */
  static List<String> referenceMerge(String word, ToIntBiFunction<String, String> ranks) {
    List<String> symbols = new ArrayList<>();
    for (int i = 0; i < word.length(); i++) {
      symbols.add(String.valueOf(word.charAt(i)));
    }
    while (symbols.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      int bestAt = -1;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        int r = ranks.applyAsInt(symbols.get(i), symbols.get(i + 1));
        if (r >= 0 && r < bestRank) {
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
    return symbols;
  }

  /** One {@link ByteAlphabet} character per UTF-8 byte of the text: the word the merge loop works on. */
  static String byteWord(String text) {
    StringBuilder sb = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      sb.append(ByteAlphabet.charOf(b));
    }
    return sb.toString();
  }

  /** Random merges over the letters a-d, each of two tokens that exist by then (as a trained merge list is). */
  private static List<String[]> trainedLikeMerges(Random r, int count) {
    List<String> tokens = new ArrayList<>(List.of("a", "b", "c", "d"));
    List<String[]> merges = new ArrayList<>();
    while (merges.size() < count) {
      String left = tokens.get(r.nextInt(tokens.size()));
      String right = tokens.get(r.nextInt(tokens.size()));
      if (left.length() + right.length() > 8 || tokens.contains(left + right)) {
        continue;
      }
      merges.add(new String[] {left, right});
      tokens.add(left + right);
    }
    return merges;
  }

  private static String randomWord(Random r, String alphabet, int maxLength) {
    int n = r.nextInt(maxLength + 1);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Test
  void mergingGivesTheReferenceSymbolsOnAHandMadeVocabulary() {
    Random r = new Random(15);
    List<String[]> merges = trainedLikeMerges(r, 120);
    ByteLevelBpeTokenizer t = HandMadeTokenizers.byteLevel(merges);
    for (int i = 0; i < 2_000; i++) {
      String word = randomWord(r, i % 2 == 0 ? "abcd" : "aab", 80);
      assertEquals(referenceMerge(word, t::rank), t.merge(word), word);
    }
  }

  @Test
  void mergingGivesTheReferenceSymbolsEvenWhenTheMergeListIsOutOfOrder() {
    // Shuffled ranks: a pair a round creates can rank below the pair being merged. The reference still finishes the
    // round first; so must the queue.
    Random r = new Random(16);
    List<String[]> merges = trainedLikeMerges(r, 120);
    Collections.shuffle(merges, r);
    ByteLevelBpeTokenizer t = HandMadeTokenizers.byteLevel(merges);
    for (int i = 0; i < 2_000; i++) {
      String word = randomWord(r, "abcd", 80);
      assertEquals(referenceMerge(word, t::rank), t.merge(word), word);
    }
    // "abab" with [ab a] ranked before [a b]: both occurrences of (a, b) merge before (ab, a) is considered.
    ByteLevelBpeTokenizer small = HandMadeTokenizers.byteLevel(List.of(new String[] {"ab", "a"},
        new String[] {"a", "b"}));
    assertEquals(List.of("ab", "ab"), small.merge("abab"));
  }

  @Test
  void mergingGivesTheReferenceSymbolsAndIdsOnTheQwen2Vocabulary() {
    ByteLevelBpeTokenizer t = Qwen2Tokenizer.get();
    Pattern split = PreTokenizer.compile(PreTokenizer.QWEN2);
    Random r = new Random(17);
    for (int i = 0; i < 500; i++) {
      String text = MixedText.random(r, 1 + r.nextInt(40));
      // the whole text as one word (merges across spaces and scripts), then the text as the tokenizer splits it
      String word = byteWord(text);
      assertEquals(referenceMerge(word, t::rank), t.merge(word), text);
      assertArrayEquals(referenceEncode(t, split, text), t.encode(text), text);
    }
  }

  /** Encodes plain text (no special tokens) with the reference merge, as the tokenizer did before. */
  private static int[] referenceEncode(ByteLevelBpeTokenizer t, Pattern split, String text) {
    List<Integer> ids = new ArrayList<>();
    java.util.Map<String, Integer> vocab = SentencePieceMergeTest.idsOf(t.vocab);
    Matcher m = split.matcher(Normalizer.normalize(text, Normalizer.Form.NFC));
    while (m.find()) {
      for (String s : referenceMerge(byteWord(m.group()), t::rank)) {
        Integer id = vocab.get(s);
        if (id != null) {
          ids.add(id);
        } else {
          for (int i = 0; i < s.length(); i++) {
            ids.add(vocab.get(String.valueOf(s.charAt(i))));
          }
        }
      }
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void twoHundredThousandLettersWithoutASpaceEncodeInBoundedTime() {
    // Every pair of letters is a merge, in a random order: the old loop made one pass over the word per pair that
    // occurs (2,704 passes over 200,000 symbols, about a minute); the queue makes one pass in all.
    List<String[]> merges = new ArrayList<>();
    String letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (char a : letters.toCharArray()) {
      for (char b : letters.toCharArray()) {
        merges.add(new String[] {String.valueOf(a), String.valueOf(b)});
      }
    }
    Random r = new Random(18);
    Collections.shuffle(merges, r);
    ByteLevelBpeTokenizer t = HandMadeTokenizers.byteLevel(merges);
    String text = randomLetters(r, letters, 200_000);
    int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> t.encode(text));
    assertThat(ids.length).isBetween(100_000, 200_000);
    assertEquals(text, t.decode(ids));
  }

  private static String randomLetters(Random r, String letters, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(letters.charAt(r.nextInt(letters.length())));
    }
    return sb.toString();
  }

  @Test
  void aHundredThousandLettersWithTheQwen2VocabularyEncodeInBoundedTime() {
    // about 30 s before; a fraction of a second now
    Tokenizer t = Qwen2Tokenizer.get();
    String text = randomLetters(new Random(20), "abcdefghijklmnopqrstuvwxyz", 100_000);
    int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> t.encode(text));
    assertEquals(text, t.decode(ids));
  }
}
