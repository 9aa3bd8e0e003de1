package org.mobiedit.core.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.tokenizer.ByteAlphabet;
import org.mobiedit.core.tokenizer.Tokenizer;

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

  private static List<String> guardedSplit(String regex, String text) {
    List<String> out = new ArrayList<>();
    PreTokenizer.split(PreTokenizer.compile(regex), text, out::add);
    return out;
  }

  /** A byte-level tokenizer.json over the 256 byte symbols whose pre-tokenizer is a Split with {@code regex}. */
  private static Path tokenizerJsonWithSplit(Path dir, String regex) throws IOException {
    StringBuilder vocab = new StringBuilder("{");
    for (int b = 0; b < 256; b++) {
      String c = String.valueOf(ByteAlphabet.charOf(b));
      vocab.append(b == 0 ? "" : ",").append('"').append(c.equals("\"") ? "\\\"" : c.equals("\\") ? "\\\\" : c)
          .append("\":").append(b);
    }
    vocab.append('}');
    String json = "{\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\","
        + "\"pattern\":{\"Regex\":\"" + regex.replace("\\", "\\\\") + "\"},\"behavior\":\"Isolated\"},"
        + "{\"type\":\"ByteLevel\",\"use_regex\":false}]},"
        + "\"model\":{\"type\":\"BPE\",\"vocab\":" + vocab + ",\"merges\":[]}}";
    Files.writeString(dir.resolve("tokenizer.json"), json);
    return dir;
  }

  @Test
  void aBacktrackingSplitPatternFromTokenizerJsonFailsAsTokenizerCorruptInsteadOfHanging(@TempDir Path dir)
      throws IOException {
    Tokenizer t = Tokenizers.forFolder(tokenizerJsonWithSplit(dir, "(.*a){12}$"));
    String text = "a".repeat(39) + "!";
    assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> t.encode(text)))
        .isInstanceOfSatisfying(MobiEditException.class, e -> {
          assertThat(e.getReason()).isEqualTo(MobiEditException.Reason.TOKENIZER_CORRUPT);
          assertThat(e.getMessage()).contains("pre-tokenizer pattern", "catastrophic backtracking",
              "\"(.*a){12}$\"", "40 characters", "tokenizer.json").doesNotContain(text);
        });
  }

  @Test
  void aBacktrackingPatternGivesUpInBoundedTimeOnLongText() {
    Pattern slow = PreTokenizer.compile("(\\s*x)+$|(.*a){12}$");
    String text = " ".repeat(300_000);
    assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> PreTokenizer.split(slow, text, p -> { })))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("300000 characters");
  }

  @Test
  void aPatternThatRecursesTooDeepFailsAsTokenizerCorrupt() {
    // java.util.regex recurses once per repetition of a group with an alternation
    Pattern deep = PreTokenizer.compile("(?:a|b)+");
    assertThatThrownBy(() -> PreTokenizer.split(deep, "ab".repeat(500_000), p -> { }))
        .isInstanceOfSatisfying(MobiEditException.class,
            e -> assertThat(e.getReason()).isEqualTo(MobiEditException.Reason.TOKENIZER_CORRUPT));
  }

  @Test
  void theBuiltInPatternsSplitAMillionHostileCharactersAsAnUnguardedMatcherDoesInBoundedTime() {
    Random r = new Random(21);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 1_000_000) {
      switch (r.nextInt(6)) {
        case 0 -> sb.append(MixedText.random(r, 50));
        case 1 -> sb.append(" ".repeat(r.nextInt(5_000))).append('x');
        case 2 -> sb.append("\n \t ".repeat(r.nextInt(2_000)));
        case 3 -> sb.append("'s'".repeat(r.nextInt(2_000)));
        case 4 -> sb.append("!\n".repeat(r.nextInt(2_000)));
        default -> sb.append("1234567890".repeat(r.nextInt(500))).append("\ud800a\udc00\u0000\u0301");
      }
    }
    String text = sb.toString();
    String start = text.substring(0, 200_000);
    for (String regex : List.of(PreTokenizer.GPT2, PreTokenizer.QWEN2, PreTokenizer.LLAMA3)) {
      List<String> guarded = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> guardedSplit(regex, text));
      assertEquals(text, String.join("", guarded), "the built-in patterns cover every character");
      List<String> plain = split(regex, start);
      plain.removeIf(String::isEmpty);
      assertEquals(plain, guardedSplit(regex, start));
    }
  }

  @Test
  void theMessageShowsThePatternAsTokenizerJsonWritesIt() {
    String regex = "\\s+(?!\\S)|[^\\s\\p{L}]";
    assertEquals(regex, PreTokenizer.asWritten(PreTokenizer.compile(regex)));
  }
}
