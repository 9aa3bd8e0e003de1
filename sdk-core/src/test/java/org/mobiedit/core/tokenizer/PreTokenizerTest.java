package org.mobiedit.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
  private static List<String> split(String regex, String text) {
    Matcher m = PreTokenizer.compile(regex).matcher(text);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Test
  void whiteSpaceMeansUnicodeWhiteSpaceWithoutEngineFlags() {
    // U+3000 (ideographic space) and U+00A0 are white space in Unicode but not in Java's default \s
    assertEquals(List.of("a", "\u3000", "b", "\u00a0", "c"), split("\\s+|\\S", "a\u3000b\u00a0c"));
  }

  @Test
  void classesContainingWhiteSpaceAreRewrittenInside() {
    assertEquals("[^" + PreTokenizer.WHITE_SPACE + "\\p{L}]", PreTokenizer.unicodeWhiteSpace("[^\\s\\p{L}]"));
    assertEquals(List.of("x", " ", "!!", "\u3000"), split("[^\\s\\p{L}]+|\\p{L}+|\\s", "x !!\u3000"));
  }

  @Test
  void qwen2SplitsDigitsSinglyAndLlama3InGroupsOfThree() {
    assertEquals(List.of("1", "2", "3", "4"), split(PreTokenizer.QWEN2, "1234"));
    assertEquals(List.of("123", "4"), split(PreTokenizer.LLAMA3, "1234"));
    assertEquals(List.of("I", "'M", " fine"), split(PreTokenizer.QWEN2, "I'M fine"));
  }
}
