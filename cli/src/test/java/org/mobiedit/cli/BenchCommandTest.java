package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.core.tokenizer.Tokenizer;

/** {@code mobiedit bench}'s report. */
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void aSpeedThatIsNotFiniteIsReportedInsteadOfFailingTheRun() {
    JsonObject o = new JsonObject();
    o.addProperty("decodeTokensPerSecond", Double.POSITIVE_INFINITY);
    o.addProperty("stepMillis", Double.NaN);
    assertThat(BenchCommand.render(o, true)).isEqualTo("{\"decodeTokensPerSecond\":Infinity,\"stepMillis\":NaN}");
    assertThat(BenchCommand.render(o, false)).contains("\"stepMillis\": NaN");
  }

  @Test
  void everyMeasuredSectionHasItsCpuTimeBesideItsWallTime() {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    CliRun run = CliRun.of("bench", "-m", model.toString(), "--prompt-tokens", "16", "--decode-tokens", "4",
        "--steps", "2", "--variants", "cache+batch", "--warmup-tokens", "4", "--json");
    assertEquals(0, run.exitCode, run.toString());
    JsonObject o = JsonParser.parseString(run.out).getAsJsonObject();
    assertThat(o.get("decodeSteps").getAsInt()).isEqualTo(3);
    for (String key : new String[] {"prefillSeconds", "prefillCpuSeconds", "decodeSeconds", "decodeCpuSeconds"}) {
      assertThat(o.get(key).getAsDouble()).as(key).isNotNegative().isFinite();
    }
    assertThat(o.getAsJsonObject("stepCpuMillis").get("cache+batch").getAsDouble()).isNotNegative();
    assertThat(o.get("editRows").getAsInt()).isEqualTo(7); // the plain prompt, 5 sampled templates, the essence
  }

  @Test
  void rowsOutWritesTheRowsOfTheEditStepWithTheirPositions() throws IOException {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    Path rows = dir.resolve("rows.json");
    CliRun run = CliRun.of("bench", "-m", model.toString(), "--prompt-tokens", "8", "--decode-tokens", "2",
        "--steps", "2", "--variants", "cache+batch", "--rows-out", rows.toString(), "--json");
    assertEquals(0, run.exitCode, run.toString());
    JsonObject report = JsonParser.parseString(run.out).getAsJsonObject();
    JsonObject r = JsonParser.parseString(Files.readString(rows)).getAsJsonObject();
    JsonArray ids = r.getAsJsonArray("rows");
    int templates = r.getAsJsonArray("contextTemplates").size();
    assertThat(ids.size()).isEqualTo(templates + 1).isEqualTo(report.get("editRows").getAsInt());
    assertThat(r.get("essenceRow").getAsInt()).isEqualTo(templates);
    Tokenizer tok = MobiEdit.openTokenizer(model);
    int[] target = tok.encodeContinuation(" Paris");
    assertThat(toInts(r.getAsJsonArray("targetIds"))).containsExactly(target);
    int[] plain = toInts(ids.get(0).getAsJsonArray());
    int[] prompt = tok.encodeForModel("Alice lives in the city of");
    assertThat(plain).hasSize(prompt.length + target.length - 1).startsWith(prompt);
    int subjectEnd = tok.encodeForModel("Alice").length - 1;
    assertThat(r.getAsJsonArray("lookupPositions").get(0).getAsInt()).isEqualTo(subjectEnd);
    JsonArray labels = r.getAsJsonArray("labelPositions");
    assertThat(labels.get(0).getAsJsonArray().get(0).getAsInt()).isEqualTo(prompt.length - 1);
    int[] essence = toInts(ids.get(templates).getAsJsonArray());
    assertThat(labels.get(templates).getAsJsonArray().get(0).getAsInt()).isEqualTo(essence.length - 1);
    int tokens = 0;
    for (int i = 0; i < ids.size(); i++) {
      tokens += ids.get(i).getAsJsonArray().size();
    }
    assertThat(r.get("tokens").getAsInt()).isEqualTo(tokens).isEqualTo(report.get("editRowTokens").getAsInt());
    assertThat(r.get("layer").getAsInt()).isNotNegative();
    assertThat(r.get("directions").getAsInt()).isPositive();
  }

  private static int[] toInts(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }
}
