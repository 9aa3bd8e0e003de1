package org.mobiedit.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of the command line, with the meaning {@code --help} and the README give for each. Scripts can tell
 * a bad command line (2, nothing was loaded or written) from a failed operation (1), a machine too small for the job
 * (3), a bug (70, as sysexits' EX_SOFTWARE) and an interruption (130 = 128 + SIGINT, as shells report it).
 */
enum ExitCode {
  SUCCESS(0, "Success."),
  FAILED(1, "The operation failed (a bad model or data file, a missing tokenizer, an edit that did not succeed,"
      + " ...): one line 'error (REASON): what is wrong and what to do'."),
  USAGE(2, "Malformed command line or invalid option value; checked before any model is loaded, so nothing was"
      + " loaded or written."),
  RESOURCES(3, "Out of memory or stack: give Java more memory (MOBIEDIT_JAVA_OPTS=-Xmx8g), use --precision int8,"
      + " or a smaller model."),
  INTERNAL(70, "Internal error (a bug): one line, and a file with the details to attach to a report."),
  INTERRUPTED(130, "Interrupted (Ctrl-C); eval prints the command that resumes the run. Another signal N exits with"
      + " 128+N.");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  int code() {
    return code;
  }

  String meaning() {
    return meaning;
  }

  /** The list {@code --help} prints under "Exit codes:". */
  static Map<String, String> helpList() {
    Map<String, String> list = new LinkedHashMap<>();
    for (ExitCode c : values()) {
      list.put(Integer.toString(c.code), c.meaning);
    }
    return list;
  }
}
