package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.core.testing.SharedData;

/**
 * Files the user gives the command line that are not what they should be (a binary file, the wrong JSON, a hostile
 * nesting) end as one clear failure naming the file (exit 1), never "Input length = 1" or an internal error.
 */
class BadInputFilesTest {
  @TempDir Path dir;

  private Path binary(String name) throws IOException {
    byte[] bytes = new byte[2048];
    new java.util.Random(7).nextBytes(bytes);
    bytes[0] = (byte) 0xFF;
    return Files.write(dir.resolve(name), bytes);
  }

  private Path notAModel() throws IOException {
    return Files.writeString(dir.resolve("notes.gguf"), "not a model");
  }

  private static void assertFailureNaming(CliRun run, String file, String... fragments) {
    assertEquals(ExitCode.FAILED.code(), run.exitCode, run.toString());
    assertThat(run.err).startsWith("error (INVALID_REQUEST): ").contains(file).contains(fragments)
        .doesNotContain("Input length").doesNotContain("\tat ");
    assertThat(run.err.strip().lines().count()).isEqualTo(1);
  }

  @Test
  void aBinaryDatasetIsNotADataset() throws IOException {
    Path data = binary("weights.bin");
    CliRun run = CliRun.of("eval", "-m", notAModel().toString(), "--dataset", data.toString(), "--out",
        dir.resolve("out").toString());
    assertFailureNaming(run, "weights.bin", "not UTF-8");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void aDatasetWithoutOneReadableCaseIsSummarisedNotListedWhole() throws IOException {
    StringBuilder records = new StringBuilder("[");
    for (int i = 0; i < 500; i++) {
      records.append(i == 0 ? "" : ",").append("{\"requested_rewrite\": {\"subject\": \"S\"}}");
    }
    Path data = Files.writeString(dir.resolve("near.json"), records.append("]").toString());
    CliRun run = CliRun.of("eval", "-m", notAModel().toString(), "--dataset", data.toString(), "--out",
        dir.resolve("out").toString());
    assertEquals(ExitCode.FAILED.code(), run.exitCode, run.toString());
    assertThat(run.err.lines().count()).isEqualTo(EvalCommand.MAX_PROBLEMS_SHOWN + 2);
    assertThat(run.err).contains("skipped 500 records of near.json in all")
        .contains("near.json has no readable case: all 500 records were skipped").doesNotContain("--offset");
  }

  @Test
  void aBinaryRequestFileIsNotARequestFile() throws IOException {
    CliRun run = CliRun.of("ablation", "-m", notAModel().toString(), "--requests", binary("r.bin").toString());
    assertFailureNaming(run, "r.bin", "not UTF-8", "edit request file");
  }

  @Test
  void aRequestFileThatIsNotAnArrayIsRefused() throws IOException {
    Path f = Files.writeString(dir.resolve("r.json"), "{\"subject\": \"Tokyo\"}");
    assertFailureNaming(CliRun.of("ablation", "-m", notAModel().toString(), "--requests", f.toString()), "r.json",
        "is not an edit request file");
    Path deep = Files.writeString(dir.resolve("deep.json"), "[".repeat(50_000) + "]".repeat(50_000));
    assertFailureNaming(CliRun.of("ablation", "-m", notAModel().toString(), "--requests", deep.toString()),
        "deep.json", "nested deeper than " + org.mobiedit.core.files.StrictJson.MAX_DEPTH);
    Path entry = Files.writeString(dir.resolve("e.json"), "[{\"subject\": \"Tokyo\", \"prompt\": \"Paris is\","
        + " \"target\": \"big\"}]");
    assertFailureNaming(CliRun.of("ablation", "-m", notAModel().toString(), "--requests", entry.toString()),
        "e.json", "request 0", "prompt containing the subject");
  }

  @Test
  void aBinaryTokenizerTestFileIsNotText() throws IOException {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    CliRun run = CliRun.of("tokenize", "-m", model.toString(), "--in", binary("t.inp").toString());
    assertFailureNaming(run, "t.inp", "not UTF-8");
  }

  @Test
  void aWorldFileWithoutFactsIsReportedBeforeTheModelLoads() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("model"));
    Files.writeString(folder.resolve("world.json"), "{\"relations\": {}, \"entities\": {}, \"objects\": {},"
        + " \"facts\": []}");
    CliRun run = CliRun.of("demo", "--model", folder.toString());
    assertFailureNaming(run, "world.json", "is not a demo world file", "no facts");
    Files.writeString(folder.resolve("world.json"), "{\"relations\": 7}");
    assertFailureNaming(CliRun.of("demo", "--model", folder.toString()), "world.json", "wrong type");
  }
}
