package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.core.testing.SharedData;

/** Edits saved by {@code edit --save} are applied by {@code generate --edits}, and only to their own model. */
class EditStoreCommandTest {
  @TempDir Path dir;

  @Test
  void aSavedEditIsAppliedAtStartUpAndRefusedByAnotherModel() {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    Path file = dir.resolve("lily.medp");
    CliRun edit = CliRun.of("edit", "--model", model.toString(), "--subject", "Lily", "--relation", "{} went to the",
        "--target", "zoo", "--lr", "0.5", "--steps", "100", "--save", file.toString(), "--json");
    assertEquals(0, edit.exitCode, edit.toString());
    CliRun gen = CliRun.of("generate", "--model", model.toString(), "--prompt", "Lily went to the", "--max-tokens",
        "3", "--edits", file.toString(), "--json");
    assertEquals(0, gen.exitCode, gen.toString());
    assertThat(JsonParser.parseString(gen.out).getAsJsonObject().get("text").getAsString()).startsWith(" zoo");
    CliRun plain = CliRun.of("generate", "--model", model.toString(), "--prompt", "Lily went to the", "--max-tokens",
        "3", "--json");
    assertThat(JsonParser.parseString(plain.out).getAsJsonObject().get("text").getAsString()).startsWith(" park");
    CliRun other = CliRun.of("generate", "--model", SharedData.require("models/stories260K/hf").toString(),
        "--prompt", "Lily went to the", "--edits", file.toString());
    assertEquals(ExitCode.FAILED.code(), other.exitCode, other.toString());
    assertThat(other.err).contains("EDIT_STORE").contains("another model");
  }
}
