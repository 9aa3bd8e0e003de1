package org.mobiedit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import picocli.CommandLine;

/**
 * Checks of option values, run by every command before it loads anything: a bad value is a usage error (exit code
 * 2) in one line that names the option, says what it accepts and quotes (a bounded excerpt of) what was given.
 */
final class OptionCheck {
  /** More kernel threads than this only adds overhead (and each one reserves a stack). */
  static final int MAX_THREADS = 256;
  /** The edit engine keeps one loss per step; a budget beyond this is a typo, not a plan. */
  static final int MAX_STEPS = org.mobiedit.api.EditOptions.MAX_STEPS;
  /** Random directions per step (2Q forward passes each). */
  static final int MAX_DIRECTIONS = org.mobiedit.api.EditOptions.MAX_DIRECTIONS;

  private final CommandLine cmd;

  OptionCheck(CommandLine.Model.CommandSpec spec) {
    this.cmd = spec.commandLine();
  }

  /** A usage error with this message. */
  CommandLine.ParameterException fail(String message) {
    return new Failure(cmd, message);
  }

  /** A usage error found by these checks: its message quotes values only through {@link Excerpt}. */
  static final class Failure extends CommandLine.ParameterException {
    private static final long serialVersionUID = 1L;

    Failure(CommandLine cmd, String message) {
      super(cmd, message);
    }
  }

  static String quoted(String value) {
    return Excerpt.quoted(value);
  }

  /** {@code min <= value <= max}. */
  void range(String option, long value, long min, long max, String meaning) {
    if (value < min || value > max) {
      throw fail(option + " must be " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min
          : "from " + min + " to " + max) + meaning + ", got " + value + ".");
    }
  }

  /** A finite number above zero. */
  void positive(String option, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw fail(option + " must be a number above 0, got " + value + ".");
    }
  }

  /** A finite number of at least zero. */
  void nonNegative(String option, double value, String meaning) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw fail(option + " must be a number of at least 0" + meaning + ", got " + value + ".");
    }
  }

  /** Text with something in it. */
  String nonBlank(String option, String value) {
    if (value.isBlank()) {
      throw fail(option + " is empty: give " + option.substring(2).replace('-', ' ') + " text.");
    }
    return value;
  }

  /** One of the listed names (case-insensitive); returns it in lower case. */
  String oneOf(String option, String value, Collection<String> allowed) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw fail(option + " " + quoted(value) + " is not one of " + String.join(", ", allowed) + ".");
    }
    return v;
  }

  Precision precision(String option, String value) {
    try {
      return Precision.fromId(value);
    } catch (MobiEditException e) {
      throw fail(option + " " + quoted(value) + " is not a precision: use fp32, int8, int8-a8, int8-a16, int8-dynamic or int4.");
    }
  }

  /** A file or folder that exists (a model, a tokenizer folder). */
  Path exists(String option, Path path) {
    if (!Files.exists(path)) {
      throw fail(option + ": nothing at " + quoted(path.toString()) + ". Check the path.");
    }
    return path;
  }

  /** A file that exists and can be read (not a folder). */
  Path readableFile(String option, Path path) {
    exists(option, path);
    if (Files.isDirectory(path)) {
      throw fail(option + ": " + quoted(path.toString()) + " is a folder; give a file.");
    }
    if (!Files.isReadable(path)) {
      throw fail(option + ": " + quoted(path.toString()) + " cannot be read (permission denied).");
    }
    return path;
  }

  /**
   * A file the command will create: an existing one is refused unless {@code force}, and it must not be a folder.
   */
  Path newFile(String option, Path path, boolean force) {
    if (Files.isDirectory(path)) {
      throw fail(option + ": " + quoted(path.toString()) + " is a folder; give a file name.");
    }
    if (Files.exists(path) && !Files.isRegularFile(path)) { // a device or pipe must not be replaced by a file
      throw fail(option + ": " + quoted(path.toString()) + " is not a regular file; give a file name.");
    }
    if (Files.exists(path) && !force) {
      throw fail(option + ": " + quoted(path.toString()) + " already exists: choose another name, or add --force to"
          + " replace it.");
    }
    requireWritableParent(option, path);
    return path;
  }

  /** A folder the command will fill: an existing folder that is not empty is refused unless {@code force}. */
  Path newFolder(String option, Path path, boolean force) {
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw fail(option + ": " + quoted(path.toString()) + " is a file; give a folder.");
    }
    if (!force && !isEmptyOrAbsent(path)) {
      throw fail(option + ": " + quoted(path.toString()) + " already exists and is not empty: choose another"
          + " folder, or add --force to write into it (files of the same names are replaced).");
    }
    requireWritableParent(option, path);
    return path;
  }

  static boolean isEmptyOrAbsent(Path folder) {
    if (!Files.exists(folder)) {
      return true;
    }
    try (var entries = Files.list(folder)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** The closest existing ancestor must be a folder we may write into. */
  private void requireWritableParent(String option, Path path) {
    Path p = path.toAbsolutePath().getParent();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p != null && (!Files.isDirectory(p) || !Files.isWritable(p))) {
      throw fail(option + ": cannot write " + quoted(path.toString()) + " (" + quoted(p.toString())
          + (Files.isDirectory(p) ? " is not writable: permission denied)." : " is a file, not a folder)."));
    }
  }

  /**
   * An edit request from the options that give it: each part non-blank and the subject inside the prompt.
   *
   * @param promptOption the option that gave {@code prompt} ({@code --prompt} or {@code --relation})
   */
  EditRequest request(String subject, String promptOption, String prompt, String target,
      Supplier<EditRequest> build) {
    nonBlank("--subject", subject);
    nonBlank(promptOption, prompt);
    nonBlank("--target", target);
    try {
      return build.get();
    } catch (MobiEditException e) {
      throw fail(promptOption + " " + quoted(prompt) + " does not contain --subject " + quoted(subject)
          + ": the edit is located at the subject's last token, so write the subject into it exactly (same spelling"
          + " and case)" + (promptOption.equals("--relation") ? ", or use {} where the subject goes." : "."));
    }
  }

  /** Fails unless the value is absent or the condition holds. */
  void requires(@Nullable Object value, boolean condition, String message) {
    if (value != null && !condition) {
      throw fail(message);
    }
  }
}
