package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.core.internal.store.EditPatch;
import org.mobiedit.world.WorldModel;

/** {@code mobiedit eval --sequential} on the demo world: edits accumulate, checkpoints, exact undo and reload. */
class SequentialEvalTest {
  @TempDir Path dir;

  @Test
  void editsAccumulateAndEveryCheckpointMeasuresAllOfThem() throws IOException {
    Path world = WorldModel.extract();
    Path out = dir.resolve("seq");
    CliRun run = CliRun.of("eval", "--sequential", "--model", world.toString(), "--dataset",
        world.resolve("edits-dev.json").toString(), "--limit", "5", "--every", "2", "--out", out.toString(),
        "--json", "--blame");
    assertEquals(0, run.exitCode, run.toString());
    List<String> lines = Files.readAllLines(out.resolve("sequential.jsonl"));
    assertEquals(3, lines.size()); // after 2, 4 and the 5th edit
    int[] edits = {2, 4, 5};
    for (int i = 0; i < 3; i++) {
      JsonObject cp = JsonParser.parseString(lines.get(i)).getAsJsonObject();
      assertEquals(edits[i], cp.get("edits").getAsInt());
      assertThat(cp.get("retention").getAsDouble()).isBetween(0.0, 1.0);
      assertThat(cp.get("neutralTexts").getAsInt()).isPositive();
      assertThat(cp.get("perplexityRatio").getAsDouble()).isPositive();
    }
    JsonObject summary = JsonParser.parseString(run.out).getAsJsonObject();
    assertThat(summary.get("undoneExactly").getAsBoolean()).isTrue();
    JsonObject last = summary.getAsJsonObject("last");
    assertEquals(last.get("retention").getAsDouble(), summary.get("reloadedRetention").getAsDouble());
    assertThat(last.get("retention").getAsDouble()).isGreaterThanOrEqualTo(0.8);
    assertThat(summary.getAsJsonObject("run").get("protectEarlierEdits").getAsBoolean()).isTrue();
    // Every edit that held is in the patch, with the key later edits protected.
    EditPatch patch = EditPatch.read(out.resolve("edits.medp"));
    assertEquals(last.get("succeeded").getAsInt(), patch.edits().size());
    assertThat(patch.edits()).allMatch(e -> e.hasKey());
    // Which edits hold at the end, per case: as many as the retention counts.
    long holding = Files.readAllLines(out.resolve("edits.jsonl")).stream()
        .filter(l -> JsonParser.parseString(l).getAsJsonObject().get("holdsAtEnd").getAsBoolean()).count();
    assertEquals(last.get("retention").getAsDouble(), holding / 5.0, 1e-12);
    assertThat(Files.readString(out.resolve("sequential.md"))).contains("| edits | succeeded | still hold |")
        .contains("back exactly").contains("## Blame").contains("Largest shares of the perplexity");
    // Blame: one line per applied edit, whose perplexity shares add up to the log of the final ratio
    List<String> blame = Files.readAllLines(out.resolve("blame.jsonl"));
    assertEquals(patch.edits().size(), blame.size());
    double shares = 0;
    for (String line : blame) {
      JsonObject e = JsonParser.parseString(line).getAsJsonObject();
      shares += e.get("perplexityShare").getAsDouble();
      assertThat(e.get("caseIndex").getAsInt()).isBetween(0, 4);
      assertThat(e.get("neighbourHarm").getAsDouble()).isGreaterThanOrEqualTo(0);
      assertThat(e.get("prompt").getAsString()).isNotEmpty();
    }
    assertEquals(Math.log(last.get("perplexityRatio").getAsDouble()), shares, 1e-9);
    long changed = Files.readAllLines(out.resolve("edits.jsonl")).stream()
        .mapToLong(l -> JsonParser.parseString(l).getAsJsonObject().getAsJsonArray("neighboursChangedAtEnd").size())
        .sum();
    assertEquals(changed, Files.readAllLines(out.resolve("blame-neighbours.jsonl")).size());
  }

  @Test
  void blameGoesWithSequential() {
    Path world = WorldModel.extract();
    CliRun run = CliRun.of("eval", "--model", world.toString(), "--dataset",
        world.resolve("edits-dev.json").toString(), "--out", dir.resolve("x").toString(), "--blame");
    assertThat(run.exitCode).isNotZero();
    assertThat(run.err).contains("--blame goes with --sequential");
  }

  @Test
  void anEditTheEngineRefusesCountsAsFailedAndTheSequenceGoesOn() throws IOException {
    Path world = WorldModel.extract();
    JsonArray cases = JsonParser.parseString(Files.readString(world.resolve("edits-dev.json"))).getAsJsonArray();
    JsonArray three = new JsonArray();
    for (int i = 0; i < 3; i++) {
      three.add(cases.get(i));
    }
    // The second prompt is longer than the model's context: the engine refuses it before touching the model.
    JsonObject rewrite = three.get(1).getAsJsonObject().getAsJsonObject("requested_rewrite");
    rewrite.addProperty("prompt", "{} " + "and then ".repeat(100) + "was born in");
    Path dataset = dir.resolve("three.json");
    Files.writeString(dataset, three.toString());
    Path out = dir.resolve("seq");
    CliRun run = CliRun.of("eval", "--sequential", "--model", world.toString(), "--dataset", dataset.toString(),
        "--every", "3", "--out", out.toString(), "--json");
    assertEquals(0, run.exitCode, run.toString());
    assertThat(run.err).contains("edit 2 refused, counted as failed (CONTEXT_OVERFLOW)");
    List<String> edits = Files.readAllLines(out.resolve("edits.jsonl"));
    assertEquals(3, edits.size());
    JsonObject refused = JsonParser.parseString(edits.get(1)).getAsJsonObject();
    assertThat(refused.get("success").getAsBoolean()).isFalse();
    assertThat(refused.get("refused").getAsString()).startsWith("CONTEXT_OVERFLOW: ");
    assertThat(refused.get("holdsAtEnd").getAsBoolean()).isFalse();
    JsonObject last = JsonParser.parseString(run.out).getAsJsonObject().getAsJsonObject("last");
    assertEquals(3, last.get("edits").getAsInt());
    assertThat(last.get("succeeded").getAsInt()).isEqualTo(2);
  }

  @Test
  void theNeutralTextsLeaveOutEditedSubjectsAsWholeWords() {
    assertThat(org.mobiedit.tools.eval.SequentialEvaluation.mentionsAny("The birthplace of Zevour is Tevos.",
        List.of("Zevour"))).isTrue();
    assertThat(org.mobiedit.tools.eval.SequentialEvaluation.mentionsAny("Zevourian food", List.of("Zevour")))
        .isFalse();
    assertThat(org.mobiedit.tools.eval.SequentialEvaluation.mentionsAny("Zevour", List.of("Zevour"))).isTrue();
  }
}
