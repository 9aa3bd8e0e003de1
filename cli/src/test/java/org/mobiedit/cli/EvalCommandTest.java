package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.core.testing.SharedData;

/** {@code mobiedit eval} end to end on stories260K with CounterFact cases: reports, resume, refusals. */
class EvalCommandTest {
  @TempDir Path dir;

  private static final String[] FAST = {"--steps", "40"};

  private CliRun eval(Path out, String... extra) {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    Path data = SharedData.require("editing/counterfact-1031.json");
    String[] base = {"eval", "--model", model.toString(), "--dataset", data.toString(), "--out", out.toString(),
        "--json"};
    String[] all = new String[base.length + FAST.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(FAST, 0, all, base.length, FAST.length);
    System.arraycopy(extra, 0, all, base.length + FAST.length, extra.length);
    return CliRun.of(all);
  }

  @Test
  void aRunWritesEveryReportAndAnInterruptedRunResumes() throws IOException {
    Path out = dir.resolve("run");
    CliRun first = eval(out, "--limit", "3");
    assertEquals(0, first.exitCode, first.toString());
    JsonObject s = JsonParser.parseString(first.out).getAsJsonObject();
    assertEquals(3, s.get("cases").getAsInt());
    for (String key : List.of("editSuccess", "generalization", "locality", "medianSteps", "medianWallMillis")) {
      assertThat(s.has(key)).as(key).isTrue();
    }
    double locality = s.get("locality").getAsDouble();
    assertThat(locality).isBetween(0.0, 1.0);
    assertThat(s.getAsJsonArray("localityCi95")).hasSize(2);
    assertThat(Files.readString(out.resolve("summary.md"))).contains("| edit success (exact rewrite) |");
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).contains("<svg").contains("Loss per step").contains("Steps to success")
        .contains("success vs step budget").endsWith("</html>\n");
    List<String> lines = Files.readAllLines(out.resolve("cases.jsonl"));
    assertEquals(3, lines.size());

    // An interruption mid-line (the process died while appending): the torn line is dropped, that case reruns,
    // and the cases already done are not edited again.
    Files.writeString(out.resolve("cases.jsonl"), lines.get(0) + "\n" + lines.get(1) + "\n"
        + lines.get(2).substring(0, 40), StandardCharsets.UTF_8);
    CliRun resumed = eval(out, "--limit", "4");
    assertEquals(0, resumed.exitCode, resumed.toString());
    assertThat(resumed.err).contains("resuming: 2 of 4 cases");
    List<String> after = Files.readAllLines(out.resolve("cases.jsonl"));
    assertEquals(4, after.size());
    assertEquals(lines.get(0), after.get(0));
    // The torn case ran again: same case, same deterministic edit (only its timings differ).
    JsonObject before = JsonParser.parseString(lines.get(2)).getAsJsonObject();
    JsonObject again = JsonParser.parseString(after.get(2)).getAsJsonObject();
    for (String key : List.of("caseId", "success", "steps", "forwardPasses", "lossCurve", "locality")) {
      assertEquals(before.get(key), again.get(key), key);
    }
  }

  @Test
  void aFolderOfAnotherRunIsNotMixedIn() throws IOException {
    Path out = dir.resolve("run");
    assertEquals(0, eval(out, "--limit", "1").exitCode);
    CliRun other = eval(out, "--limit", "1", "--precision", "int8");
    assertEquals(ExitCode.FAILED.code(), other.exitCode, other.toString());
    assertThat(other.err).contains("holds a run with another precision").contains("choose another --out")
        .contains("--force");
    Files.writeString(out.resolve("cases.jsonl"), "{\"not\": \"a result\"}\ngarbage\n{}\n",
        StandardOpenOption.TRUNCATE_EXISTING);
    CliRun damaged = eval(out, "--limit", "1");
    assertEquals(ExitCode.FAILED.code(), damaged.exitCode, damaged.toString());
    assertThat(damaged.err).contains("cases.jsonl line 1").contains("delete the file");
  }

  @Test
  void withForceAnotherRunsResultsAreReplaced() throws IOException {
    Path out = dir.resolve("run");
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    Path data = SharedData.require("editing/counterfact-1031.json");
    String[] oneStep = {"eval", "--model", model.toString(), "--dataset", data.toString(), "--out", out.toString(),
        "--limit", "1", "--steps", "1"};
    assertEquals(0, CliRun.of(oneStep).exitCode);
    String[] other = java.util.Arrays.copyOf(oneStep, oneStep.length + 3);
    other[oneStep.length] = "--precision";
    other[oneStep.length + 1] = "int8";
    other[oneStep.length + 2] = "--force";
    CliRun forced = CliRun.of(other);
    assertEquals(0, forced.exitCode, forced.toString());
    assertThat(forced.err).contains("replacing the results").contains("another precision");
    assertThat(Files.readString(out.resolve("run.json"))).contains("\"precision\":\"int8\"");
    assertEquals(1, Files.readAllLines(out.resolve("cases.jsonl")).size());
  }

  @Test
  void aDamagedRunDescriptionIsReportedAndNotOverwritten() throws IOException {
    Path out = Files.createDirectories(dir.resolve("run"));
    byte[] binary = {(byte) 0xFF, (byte) 0xFE, 0, 1, 2};
    Files.write(out.resolve("run.json"), binary);
    CliRun run = eval(out, "--limit", "1");
    assertEquals(ExitCode.FAILED.code(), run.exitCode, run.toString());
    assertThat(run.err).contains("run.json is not the description of a mobiedit eval run: the text is not UTF-8")
        .contains("--force").doesNotContain("Input length");
    assertThat(Files.readAllBytes(out.resolve("run.json"))).isEqualTo(binary);
  }

  @Test
  void theEditedLayerCanBeChosen() throws IOException {
    Path out = dir.resolve("layer");
    CliRun run = eval(out, "--limit", "1", "--layer", "2");
    assertEquals(0, run.exitCode, run.toString());
    assertThat(Files.readString(out.resolve("run.json"))).contains("\"layer\":2");
  }
}
