package org.mobiedit.cli;

import java.util.List;
import java.util.regex.Pattern;

/** A command line written so that a POSIX shell reads back the same words (for "run this to resume" messages). */
final class ShellCommand {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./=:,+@%^-]+");

  private ShellCommand() {}

  /** The words joined by spaces, each quoted when the shell would otherwise split or expand it. */
  static String line(List<String> words) {
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quoted(w));
    }
    return sb.toString();
  }

  static String quoted(String word) {
    if (PLAIN.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
