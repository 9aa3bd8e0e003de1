package org.mobiedit.core.internal.tokenizer;

import java.util.Random;

/** Random text mixing scripts, digits, punctuation, white space, emoji and combining marks. */
final class MixedText {
  private static final String[] WORDS = {"the", "The", " of", "Paris", "don't", "I'M", "naïve", "café", "Straße",
      "москва", "東京", "我想在", "🦙", "👍🏽", "e\u0301", "a\u0308\u0304", "ǖ", "'s", "'ll", "https://x.y/z?q=1"};

  private MixedText() {}

  /** {@code parts} random pieces, each a word, letters, digits, punctuation, white space or random characters. */
  static String random(Random r, int parts) {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < parts; p++) {
      switch (r.nextInt(8)) {
        case 0 -> sb.append(WORDS[r.nextInt(WORDS.length)]);
        case 1 -> run(sb, r, "abcdefghijklmnopqrstuvwxyz", 1 + r.nextInt(20));
        case 2 -> run(sb, r, "0123456789", 1 + r.nextInt(8));
        case 3 -> run(sb, r, "!?.,;:-_()[]{}\"'/\\*&^%$#@~`|<>=+", 1 + r.nextInt(6));
        case 4 -> run(sb, r, "  \t\n\r\u00a0\u3000", 1 + r.nextInt(4));
        case 5 -> sb.appendCodePoint(0x4E00 + r.nextInt(0x5000));
        case 6 -> sb.appendCodePoint(0x1F300 + r.nextInt(0x300));
        default -> sb.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
      }
    }
    return sb.toString();
  }

  private static void run(StringBuilder sb, Random r, String from, int n) {
    for (int i = 0; i < n; i++) {
      sb.append(from.charAt(r.nextInt(from.length())));
    }
  }
}
