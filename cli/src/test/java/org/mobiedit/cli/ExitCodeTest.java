package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Every way a command can end maps to one documented exit code and one line on stderr: no stack trace on the
 * terminal, whatever was thrown.
 */
class ExitCodeTest {
  @TempDir Path dir;

  /** A command that ends the way its argument says. */
  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @CommandLine.Parameters(index = "0") String how;

    @Override
    public Integer call() {
      switch (how) {
        case "oom":
          throw new OutOfMemoryError("Java heap space");
        case "deep":
          return recurse(0);
        case "bug":
          throw new IllegalStateException("no state\nfake log line");
        case "failed":
          throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT, "model.gguf is truncated.");
        case "wrapped":
          throw new RuntimeException("kernel failed", new OutOfMemoryError("Java heap space"));
        default:
          return 0;
      }
    }

    private static int recurse(int depth) {
      return recurse(depth + 1) + 1;
    }
  }

  private CliRun run(String how) {
    CommandLine cli = MobiEditCli.commandLine(new InterruptNotice(new PrintWriter(new StringWriter())));
    cli.addSubcommand("boom", new Boom());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = MobiEditCli.execute(cli, new String[] {"boom", how}, new PrintWriter(out, true),
        new PrintWriter(err, true), dir);
    return CliRun.of(code, out.toString(), err.toString());
  }

  private static void assertOneLine(CliRun run) {
    assertThat(run.err.strip().lines().count()).as(run.toString()).isEqualTo(1);
    assertThat(run.err).doesNotContain("\tat ");
  }

  @Test
  void outOfMemoryIsOneLineWithAdviceAndItsOwnExitCode() {
    CliRun run = run("oom");
    assertEquals(ExitCode.RESOURCES.code(), run.exitCode, run.toString());
    assertOneLine(run);
    assertThat(run.err).startsWith("error (out of memory: Java heap space)").contains("MOBIEDIT_JAVA_OPTS=-Xmx")
        .contains("--precision int8").contains("smaller model");
  }

  @Test
  void outOfMemoryWrappedInAnotherExceptionIsStillOutOfMemory() {
    CliRun run = run("wrapped");
    assertEquals(ExitCode.RESOURCES.code(), run.exitCode, run.toString());
    assertOneLine(run);
  }

  @Test
  void aRealStackOverflowIsOneLineWithTheResourceExitCode() {
    CliRun run = run("deep");
    assertEquals(ExitCode.RESOURCES.code(), run.exitCode, run.toString());
    assertOneLine(run);
    assertThat(run.err).startsWith("error (stack overflow)").contains("-Xss");
  }

  @Test
  void anUnexpectedExceptionIsABugReportedInOneLineWithTheDetailsInAFile() throws IOException {
    CliRun run = run("bug");
    assertEquals(ExitCode.INTERNAL.code(), run.exitCode, run.toString());
    assertOneLine(run);
    assertThat(run.err).startsWith("internal error: IllegalStateException: no state\\nfake log line")
        .contains("ExitCodeTest$Boom.call(ExitCodeTest.java:").contains("please report");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.collect(Collectors.toList());
    }
    assertThat(files).hasSize(1);
    assertThat(run.err).contains(files.get(0).toString());
    assertThat(Files.readString(files.get(0))).contains("boom").contains("java.lang.IllegalStateException: no state")
        .contains("\tat org.mobiedit.cli.ExitCodeTest$Boom.call");
  }

  @Test
  void aFailedOperationExitsWithOne() {
    CliRun run = run("failed");
    assertEquals(ExitCode.FAILED.code(), run.exitCode, run.toString());
    assertEquals("error (MODEL_CORRUPT): model.gguf is truncated.", run.err.strip());
  }

  @Test
  void aMalformedCommandLineIsOneLineWithoutTheWholeUsage() {
    CliRun run = CliRun.of("generate", "--prompt", "x");
    assertEquals(ExitCode.USAGE.code(), run.exitCode, run.toString());
    assertOneLine(run);
    assertThat(run.err).startsWith("error (usage): Missing required option: '--model=PATH'")
        .contains("See 'mobiedit generate --help'");
  }

  @Test
  void aHugeUnknownArgumentIsNotEchoedWhole() {
    CliRun run = CliRun.of("generate", "x".repeat(100_000));
    assertEquals(ExitCode.USAGE.code(), run.exitCode, run.toString());
    assertThat(run.err.length()).isLessThan(1_000);
  }

  @Test
  void everyExitCodeIsDocumentedInTheHelpOfEveryCommand() {
    for (String[] args : new String[][] {{"--help"}, {"eval", "--help"}, {"demo", "--help"}}) {
      CliRun run = CliRun.of(args);
      assertEquals(0, run.exitCode, run.toString());
      assertThat(run.out).contains("Exit codes:");
      for (ExitCode c : ExitCode.values()) {
        assertThat(run.out).containsPattern("(?m)^\\s*" + c.code() + "\\s+" + java.util.regex.Pattern.quote(c.meaning().substring(0, 6)));
      }
    }
  }
}
