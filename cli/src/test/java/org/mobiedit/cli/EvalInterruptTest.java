package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.core.testing.SharedData;

/**
 * Ctrl-C during {@code mobiedit eval}, for real: a separate JVM runs the command line and gets SIGINT. It says how
 * far the run got and how to resume it, and exits with 130. (About five seconds: a JVM start and a model load.)
 */
class EvalInterruptTest {
  @TempDir Path dir;

  @Test
  void theInterruptLineSaysHowFarTheRunGotAndHowToResume() {
    String line = EvalCommand.interrupted(12, 50, 3, Path.of("runs/cf 50/cases.jsonl"),
        ShellCommand.line(List.of("mobiedit", "eval", "--out", "runs/cf 50", "--dataset", "it's.json")));
    assertEquals("interrupted: 12 of 50 cases done (3 in this run), kept in runs/cf 50/cases.jsonl; the case that"
        + " was running starts again when you resume. Resume with the same command: mobiedit eval --out"
        + " 'runs/cf 50' --dataset 'it'\\''s.json'", line);
  }

  @Test
  void ctrlCDuringAnEvalPrintsTheResumeCommandAndExitsWith130() throws Exception {
    assumeTrue(sigintReachesChildren(), "SIGINT is ignored in this environment (a background job)");
    assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
        "no kill command");
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    Path data = SharedData.require("editing/counterfact-1031.json");
    Path out = dir.resolve("run");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        MobiEditCli.class.getName(), "eval", "--model", model.toString(), "--dataset", data.toString(), "--out",
        out.toString(), "--limit", "20", "--steps", "40")
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
    try {
      // run.json is written once the interrupt message is in place, before the first case
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(out.resolve("run.json")) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(p.isAlive(), () -> "the eval ended early: " + read(dir.resolve("err.txt")));
      assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the eval did not stop");
    } finally {
      p.destroyForcibly();
    }
    String err = read(dir.resolve("err.txt"));
    assertEquals(ExitCode.INTERRUPTED.code(), p.exitValue(), err);
    assertThat(err).containsPattern("interrupted: \\d+ of 20 cases done \\(\\d+ in this run\\), kept in ")
        .contains("Resume with the same command: mobiedit eval --model " + model + " --dataset " + data + " --out "
            + out + " --limit 20 --steps 40")
        .doesNotContain("\tat ");
  }

  /** Whether this process does not ignore SIGINT (children inherit an ignored SIGINT, and then cannot get it). */
  private static boolean sigintReachesChildren() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return true;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        return (mask & (1L << 1)) == 0; // bit 1: signal 2, SIGINT
      }
    }
    return true;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }
}
