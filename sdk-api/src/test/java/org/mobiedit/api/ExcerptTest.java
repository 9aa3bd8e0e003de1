package org.mobiedit.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExcerptTest {
  @Test
  void shortTextIsQuotedWhole() {
    assertThat(Excerpt.quoted("Lily")).isEqualTo("\"Lily\"");
  }

  @Test
  void longTextIsCutAndItsLengthSaid() {
    String q = Excerpt.quoted("a".repeat(100_000));
    assertThat(q).hasSizeLessThan(Excerpt.MAX_CHARS + 40).contains("100000 characters");
  }

  @Test
  void controlCharactersCannotStartANewLogLine() {
    assertThat(Excerpt.quoted("x\nERROR fake\u0000")).isEqualTo("\"x\\nERROR fake\\u0000\"");
  }

  @Test
  void aSurrogatePairIsNeverSplit() {
    String s = "a".repeat(Excerpt.MAX_CHARS - 1) + "\uD83D\uDE00" + "b";
    assertThat(Excerpt.escaped(s)).doesNotContain("\uD83D…");
  }
}
