package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.testing.SharedData;

/** {@code mobiedit generate --json} end to end on a real model. */
class GenerateCommandTest {

  @Test
  void jsonOutputHasIdsAndTextAndReproducesTheReference() {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", "Tom had a red",
        "--max-tokens", "33", "--json");
    assertEquals(0, run.exitCode, run.toString());
    JsonObject o = JsonParser.parseString(run.out).getAsJsonObject();
    assertEquals("[1,274,287,381,261,352,266,268,388,426", o.get("ids").toString().substring(0, 38));
    assertEquals(40, o.getAsJsonArray("ids").size());
    assertThat(o.get("text").getAsString()).isNotBlank();
    assertThat(o.get("prefillTokensPerSecond").getAsDouble()).isPositive();
  }

  @Test
  void seededSamplingIsReproducibleAndDiffersFromAnotherSeed() {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    String[] base = {"generate", "--model", model.toString(), "--prompt", "Lily", "--max-tokens", "24",
        "--temperature", "1.0", "--json", "--seed"};
    String a1 = ids(CliRun.of(concat(base, "7")));
    String a2 = ids(CliRun.of(concat(base, "7")));
    String b = ids(CliRun.of(concat(base, "8")));
    assertEquals(a1, a2);
    assertThat(b).isNotEqualTo(a1);
  }

  private static String ids(CliRun run) {
    assertEquals(0, run.exitCode, run.toString());
    return JsonParser.parseString(run.out).getAsJsonObject().get("ids").toString();
  }

  private static String[] concat(String[] a, String last) {
    String[] r = java.util.Arrays.copyOf(a, a.length + 1);
    r[a.length] = last;
    return r;
  }
}
