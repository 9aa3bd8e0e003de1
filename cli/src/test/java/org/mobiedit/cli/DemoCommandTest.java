package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.testing.SharedData;

/** {@code mobiedit demo} end to end on the embedded demo model, and its messages for bad requests. */
class DemoCommandTest {

  @Test
  void theDefaultDemoEditsAFactThatGeneralizesAndLeavesOthersAlone() {
    CliRun run = CliRun.of("demo");
    assertEquals(0, run.exitCode, run.toString());
    assertThat(run.out).contains("Before the edit:").contains("After the edit:").contains("Edited in");
    // The SDK's default settings, as an app gets them (no layer of the world file's any more).
    assertThat(run.out).contains("(layer default, fp32)");
    assertThat(run.out).contains("5 of 5 checks as expected");
    String after = run.out.substring(run.out.indexOf("After the edit:"));
    assertThat(after).containsPattern("the edit .*\\[new fact]");
    assertThat(after).containsPattern("paraphrase .*\\[new fact]");
    assertThat(after).containsPattern("unrelated .*\\[unchanged]");
    assertThat(after).doesNotContain("[CHANGED]");
  }

  @Test
  void aChosenFactIsEdited() {
    CliRun list = CliRun.of("demo", "--list");
    assertEquals(0, list.exitCode, list.toString());
    String subject = firstPerson(list.out);
    CliRun run = CliRun.of("demo", "--subject", subject.toLowerCase(java.util.Locale.ROOT), "--relation", "works at");
    assertEquals(0, run.exitCode, run.toString());
    assertThat(run.out).contains("The fact to edit: " + subject + " works at");
  }

  @Test
  void anUnknownSubjectListsWhatTheWorldHolds() {
    CliRun run = CliRun.of("demo", "--subject", "Barack Obama", "--relation", "born in", "--target", "Paris");
    assertEquals(ExitCode.USAGE.code(), run.exitCode, run.toString());
    assertThat(run.err).contains("\"Barack Obama\" is not in the demo world").contains("people (e.g.")
        .contains("Relations: \"born in\"").contains("mobiedit demo --list");
  }

  @Test
  void anUnknownOrMismatchedRelationNamesTheSubjectsRelations() {
    CliRun list = CliRun.of("demo", "--list");
    String subject = firstPerson(list.out);
    CliRun unknown = CliRun.of("demo", "--subject", subject, "--relation", "married to", "--target", "X");
    assertEquals(ExitCode.USAGE.code(), unknown.exitCode, unknown.toString());
    assertThat(unknown.err).contains("\"married to\" is not a relation").contains("\"lives in\"");
    CliRun mismatched = CliRun.of("demo", "--subject", subject, "--relation", "capital", "--target", "X");
    assertEquals(ExitCode.USAGE.code(), mismatched.exitCode, mismatched.toString());
    assertThat(mismatched.err).contains("has no \"capital\" fact").contains("for a country");
  }

  @Test
  void anotherModelWithoutAWorldNeedsTheWholeFact() {
    Path model = SharedData.require("models/stories260K/hf");
    CliRun run = CliRun.of("demo", "--model", model.toString());
    assertEquals(ExitCode.USAGE.code(), run.exitCode, run.toString());
    assertThat(run.err).contains("has no world.json").contains("--subject, --relation and --target");
  }

  @Test
  void anotherModelEditsTheGivenFact() {
    Path model = SharedData.require("models/stories260K/hf");
    CliRun run = CliRun.of("demo", "--model", model.toString(), "--subject", "Lily", "--relation", "{} went to the",
        "--target", "zoo", "--unrelated", "Tom liked to");
    assertEquals(0, run.exitCode, run.toString());
    assertThat(run.out).containsPattern("the edit +Lily went to the zoo.* +\\[new fact]");
  }

  /** The first person named in {@code demo --list}'s summary ("200 people (e.g. Zefumthol, ..."). */
  private static String firstPerson(String list) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("people \\(e\\.g\\. ([^,)]+)").matcher(list);
    assertThat(m.find()).as("a person in the list:%n%s", list).isTrue();
    return m.group(1);
  }
}
