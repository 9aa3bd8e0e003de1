package org.mobiedit.core.internal.edit;

/**
 * Java 11's {@code String.strip()} for the texts an edit is built from (its new object, generated context prefixes),
 * written out because Android's runtime below API 33 does not have it and the result must not depend on the
 * platform: the same request gives the same prompts, and so the same edit, on a phone and on a desktop JVM.
 */
final class Whitespace {
  private Whitespace() {}

  /** {@code s} without leading and trailing white space ({@link Character#isWhitespace}). */
  static String strip(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && Character.isWhitespace(s.codePointAt(from))) {
      from += Character.charCount(s.codePointAt(from));
    }
    while (to > from && Character.isWhitespace(s.codePointBefore(to))) {
      to -= Character.charCount(s.codePointBefore(to));
    }
    return s.substring(from, to);
  }
}
