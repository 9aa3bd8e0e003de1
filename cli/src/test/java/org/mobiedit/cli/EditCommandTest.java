package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.testing.SharedData;

/** {@code mobiedit edit} end to end on real pretrained weights. */
class EditCommandTest {

  @Test
  void anEditChangesTheContinuationAndReportsItsCost() {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    CliRun run = CliRun.of("edit", "--model", model.toString(), "--subject", "Lily", "--relation", "{} went to the",
        "--target", "zoo", "--lr", "0.5", "--steps", "100", "--json");
    assertEquals(0, run.exitCode, run.toString());
    JsonObject o = JsonParser.parseString(run.out).getAsJsonObject();
    assertThat(o.get("success").getAsBoolean()).isTrue();
    assertThat(o.get("before").getAsString()).startsWith(" park");
    assertThat(o.get("after").getAsString()).startsWith(" zoo");
    assertEquals("EARLY_STOP_SUCCESS", o.get("stopReason").getAsString());
    assertThat(o.get("forwardPasses").getAsLong()).isPositive();
    assertThat(o.get("steps").getAsInt()).isLessThanOrEqualTo(100);
  }

  @Test
  void aPromptWithoutTheSubjectIsRejected() {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    CliRun run = CliRun.of("edit", "--model", model.toString(), "--subject", "Tom", "--prompt", "Lily went to the",
        "--target", "zoo");
    assertEquals(ExitCode.USAGE.code(), run.exitCode, run.toString());
    assertThat(run.err).contains("--prompt \"Lily went to the\" does not contain --subject \"Tom\"");
  }
}
