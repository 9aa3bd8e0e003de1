package org.mobiedit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;

/**
 * Turns whatever ended a command abnormally into one line on stderr and an {@link ExitCode}: a
 * {@link MobiEditException} is an ordinary failure; running out of heap or stack is a resource problem with advice;
 * anything else is a bug, summarised in one line while the stack trace goes to a file the user can attach to a
 * report (a 1,000-line trace on the terminal helps no one, and rerunning a long job to get it back is costly).
 */
final class FailureReport {
  /** How deep the cause chain is searched for the error that matters (a cycle must not loop). */
  private static final int MAX_CAUSES = 16;

  private final PrintWriter err;
  private final Path detailsDir;
  private final String[] args;

  /**
   * @param err where the line goes
   * @param detailsDir where the details of an internal error are written
   * @param args the command line, recorded with those details
   */
  FailureReport(PrintWriter err, Path detailsDir, String[] args) {
    this.err = err;
    this.detailsDir = detailsDir;
    this.args = args.clone();
  }

  /** Prints the line for {@code failure} and returns the exit code. */
  ExitCode report(Throwable failure) {
    try {
      return describe(failure);
    } catch (VirtualMachineError again) {
      // Too little memory left even for the message: a fixed one.
      err.println("error (out of memory): the Java heap is exhausted. Give Java more memory"
          + " (MOBIEDIT_JAVA_OPTS=-Xmx8g), use --precision int8 or a smaller model.");
      return ExitCode.RESOURCES;
    } finally {
      err.flush();
    }
  }

  private ExitCode describe(Throwable failure) {
    if (failure instanceof MobiEditException) {
      MobiEditException me = (MobiEditException) failure;
      err.println("error (" + me.getReason() + "): " + me.getMessage());
      return ExitCode.FAILED;
    }
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        err.println(outOfMemory((OutOfMemoryError) t));
        return ExitCode.RESOURCES;
      }
      if (t instanceof StackOverflowError) {
        err.println("error (stack overflow): the Java stack overflowed, most likely on a deeply nested input file."
            + " This is a defect: please report it with the command you ran. A larger stack may get you through"
            + " meanwhile: MOBIEDIT_JAVA_OPTS=-Xss64m.");
        return ExitCode.RESOURCES;
      }
    }
    err.println(internal(failure));
    return ExitCode.INTERNAL;
  }

  private static String outOfMemory(OutOfMemoryError e) {
    long max = Runtime.getRuntime().maxMemory();
    String what = e.getMessage() == null ? "" : ": " + Excerpt.escaped(e.getMessage());
    String heap = max == Long.MAX_VALUE ? "" : " (the Java heap may use " + (max >= 1L << 30
        ? String.format(Locale.ROOT, "%.1f GiB", max / (double) (1L << 30)) : (max >> 20) + " MiB") + " here)";
    return "error (out of memory" + what + "): this model and command need more memory than Java may use" + heap
        + ". Give Java more (e.g. MOBIEDIT_JAVA_OPTS=-Xmx8g ./mobiedit ...), use --precision int8 (weights 4x"
        + " smaller than fp32), or a smaller model.";
  }

  private String internal(Throwable failure) {
    StringBuilder line = new StringBuilder("internal error: ").append(failure.getClass().getSimpleName());
    if (failure.getMessage() != null) {
      line.append(": ").append(Excerpt.escaped(failure.getMessage()));
    }
    StackTraceElement where = firstOwnFrame(failure);
    if (where != null) {
      line.append(" (at ").append(where).append(')');
    }
    line.append(". This is a bug in mobiedit: please report it");
    Path details = writeDetails(failure);
    if (details != null) {
      line.append(" with the details in ").append(details);
    } else {
      line.append(" with this line and the command you ran");
    }
    return line.append('.').toString();
  }

  /** The first frame in the project's code: where the bug most likely is. */
  private static StackTraceElement firstOwnFrame(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("org.mobiedit.")) {
        return e;
      }
    }
    StackTraceElement[] all = t.getStackTrace();
    return all.length > 0 ? all[0] : null;
  }

  /** Writes the command line, the Java version and the stack trace; null if that fails too. */
  private Path writeDetails(Throwable failure) {
    StringWriter text = new StringWriter();
    PrintWriter pw = new PrintWriter(text);
    pw.println(new VersionProvider().getVersion()[0]);
    pw.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    pw.println("arguments:");
    for (String a : args) {
      pw.println("  " + a);
    }
    pw.println();
    failure.printStackTrace(pw);
    pw.flush();
    try {
      Files.createDirectories(detailsDir);
      Path file = Files.createTempFile(detailsDir, "mobiedit-error-", ".txt");
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        w.write(text.toString());
      }
      return file;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
