package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The SDK's strip (Android has no {@code String.strip} below API 33) is the desktop JVM's, code point for code point. */
class WhitespaceTest {
  @Test
  void stripsWhatJavasStripStrips() {
    String[] samples = {"", " ", "  Rome ", "\tParis\n", "\u3000東京\u3000", "\u2003Lyon\u2009", "\u00a0Nice\u00a0",
        "a b", "\u001c x \u001f", "\ud83d\ude00 ", " \ud83d\ude00", "\u2028line\u2029", "Priya"};
    for (String s : samples) {
      assertThat(Whitespace.strip(s)).as("strip of %s", s).isEqualTo(s.strip());
    }
  }
}
