package org.mobiedit.core.internal.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.internal.tokenizer.SpecialTokenMatcher.Segment;

/** Literal special tokens are found longest first, in time independent of how many tokens look alike. */
class SpecialTokenMatcherTest {
  /** The straightforward definition: at each position the longest token that starts there, else one character. */
  private static List<Segment> reference(Map<String, Integer> specials, String text) {
    List<Segment> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      String best = null;
      for (String t : specials.keySet()) {
        if (!t.isEmpty() && text.startsWith(t, i) && (best == null || t.length() > best.length())) {
          best = t;
        }
      }
      if (best == null) {
        i++;
        continue;
      }
      if (i > start) {
        out.add(new Segment(-1, text.substring(start, i)));
      }
      out.add(new Segment(specials.get(best), best));
      i += best.length();
      start = i;
    }
    if (start < text.length() || out.isEmpty()) {
      out.add(new Segment(-1, text.substring(start)));
    }
    return out;
  }

  @Test
  void findsTheSameTokensAsTheDefinitionOnRandomInputs() {
    Random r = new Random(15);
    String alphabet = "ab<|>\uffff";
    for (int round = 0; round < 2000; round++) {
      Map<String, Integer> specials = new HashMap<>();
      int count = r.nextInt(8);
      for (int k = 0; k < count; k++) {
        specials.put(random(r, alphabet, 1 + r.nextInt(5)), k);
      }
      String text = random(r, alphabet, r.nextInt(30));
      List<Segment> expected = reference(specials, text);
      if (text.isEmpty() && !specials.isEmpty()) {
        expected = List.of();
      }
      assertEquals(expected, new SpecialTokenMatcher(specials).split(text), specials + " in " + text);
    }
  }

  private static String random(Random r, String alphabet, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Test
  void manyLookAlikeTokensDoNotMakeEachPositionCostTheirTotalLength() {
    // 1000 tokens a^j b share every prefix of a^1000: comparing each with the text cost ~500k steps per position
    // (minutes for this text); walking the sorted tokens costs ~1000 (well under a second, 3 s allowed on a busy
    // machine).
    Map<String, Integer> specials = new HashMap<>();
    for (int j = 1; j <= 1000; j++) {
      specials.put("a".repeat(j) + "b", j);
    }
    String text = "a".repeat(20_000) + "b";
    List<Segment> segments = assertTimeoutPreemptively(Duration.ofSeconds(3),
        () -> new SpecialTokenMatcher(specials).split(text));
    assertEquals(List.of(new Segment(-1, "a".repeat(19_000)), new Segment(1000, "a".repeat(1000) + "b")), segments);
  }
}
