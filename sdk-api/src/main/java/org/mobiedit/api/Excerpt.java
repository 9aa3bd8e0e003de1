package org.mobiedit.api;

/**
 * Text from a file or a caller that goes into an error message: quoted, with control characters escaped and at most
 * {@link #MAX_CHARS} characters kept, so that a hostile file cannot make a message megabytes long or spoof lines of
 * a log.
 */
public final class Excerpt {
  /** The most characters of untrusted text a message repeats. */
  public static final int MAX_CHARS = 80;

  private Excerpt() {}

  /** {@code "text"} with control characters escaped, cut to {@link #MAX_CHARS} with the full length said. */
  public static String quoted(String text) {
    return '"' + escaped(text) + '"';
  }

  /** The text, escaped and cut as {@link #quoted}, without quotes. */
  public static String escaped(String text) {
    int n = text.length();
    int keep = Math.min(n, MAX_CHARS);
    if (keep < n && Character.isHighSurrogate(text.charAt(keep - 1))) {
      keep--;
    }
    StringBuilder sb = new StringBuilder(keep + 32);
    for (int i = 0; i < keep; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (keep < n) {
      sb.append("…(").append(n).append(" characters)");
    }
    return sb.toString();
  }
}
