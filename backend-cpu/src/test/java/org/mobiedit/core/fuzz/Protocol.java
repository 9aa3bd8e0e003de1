package org.mobiedit.core.fuzz;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines a campaign JVM writes to its standard output for the {@link FuzzSupervisor} that started it, one
 * tab-separated record each, prefixed so that anything else the JVM prints is ignored:
 *
 * <pre>
 * TARGET  name budget seeds        a target of the plan and its number of inputs
 * NOTE    text                     a seed that was not found, etc.
 * BEGIN   target index             an input is about to run
 * RESULT  target index verdict run-nanos generate-nanos signature example cpu-nanos-of-the-JVM-so-far
 * RESTART                          a worker could not be stopped: start a fresh JVM at the next input
 * REDO    target index             start a fresh JVM at this input (its OutOfMemoryError came without a stack trace)
 * DONE    cpu-nanos                the plan ran to its end (CPU time of the JVM)
 * </pre>
 */
final class Protocol {
  static final String PREFIX = "@@fuzz\t";

  private final PrintStream out;

  Protocol(PrintStream out) {
    this.out = out;
  }

  void send(String kind, Object... fields) {
    StringBuilder sb = new StringBuilder(PREFIX).append(kind);
    for (Object f : fields) {
      sb.append('\t').append(clean(String.valueOf(f)));
    }
    synchronized (out) {
      out.println(sb);
      out.flush();
    }
  }

  /** The fields of a protocol line (its kind first), or null for any other line. */
  static String[] parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return null;
    }
    List<String> f = new ArrayList<>(List.of(line.substring(PREFIX.length()).split("\t", -1)));
    return f.toArray(new String[0]);
  }

  /**
   * One line of printable text: no tabs or other control characters (escaped), nothing that UTF-8 cannot carry (a
   * lone surrogate from a mutated file).
   */
  static String clean(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r') {
        sb.append(' ');
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else if (Character.isSurrogate(c)) {
        boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        if (pair) {
          sb.append(c).append(s.charAt(++i));
        } else {
          sb.append('\ufffd');
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
