package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every option of every command is checked before anything is loaded: a bad value is exit code 2 and one line that
 * names the option. The model given is a file that is not a model, so a check that ran only after loading would
 * show up as a MODEL_CORRUPT failure (exit 1) instead.
 */
class OptionValidationTest {
  @TempDir static Path dir;

  static Path notAModel;
  static Path dataset;
  static Path requests;
  static Path existing;
  static Path fullFolder;

  @BeforeEach
  void files() throws IOException {
    notAModel = Files.writeString(dir.resolve("notes.gguf"), "these are my notes, not a model");
    dataset = Files.writeString(dir.resolve("cases.json"), "[{\"prompt\": \"Tokyo is in\", \"subject\": \"Tokyo\","
        + " \"target_new\": \"France\"}]");
    requests = Files.writeString(dir.resolve("requests.json"), "[{\"subject\": \"Tokyo\", \"prompt\": \"Tokyo is"
        + " in\", \"target\": \"France\"}]");
    existing = Files.writeString(dir.resolve("mine.txt"), "something of mine");
    fullFolder = Files.createDirectories(dir.resolve("full"));
    Files.writeString(fullFolder.resolve("keep.txt"), "mine");
  }

  private static Arguments bad(String option, String... args) {
    return Arguments.of(option, args);
  }

  static List<Arguments> badOptions() {
    String m = "MODEL";
    List<Arguments> all = new ArrayList<>();
    // generate (and the model options every loading command shares)
    all.add(bad("--threads", "generate", "-m", m, "-p", "x", "--threads", "-1"));
    all.add(bad("--threads", "generate", "-m", m, "-p", "x", "--threads", "100000"));
    all.add(bad("--precision", "generate", "-m", m, "-p", "x", "--precision", "fp8"));
    all.add(bad("--backend", "generate", "-m", m, "-p", "x", "--backend", "tpu"));
    all.add(bad("--backend", "generate", "-m", m, "-p", "x", "--backend", " "));
    all.add(bad("--model", "generate", "-m", "MISSING", "-p", "x"));
    all.add(bad("--max-tokens", "generate", "-m", m, "-p", "x", "--max-tokens", "-5"));
    all.add(bad("--temperature", "generate", "-m", m, "-p", "x", "--temperature", "NaN"));
    all.add(bad("--temperature", "generate", "-m", m, "-p", "x", "--temperature", "-1"));
    all.add(bad("--top-k", "generate", "-m", m, "-p", "x", "--top-k", "-3"));
    all.add(bad("--top-p", "generate", "-m", m, "-p", "x", "--top-p", "0"));
    all.add(bad("--top-p", "generate", "-m", m, "-p", "x", "--top-p", "Infinity"));
    all.add(bad("--greedy", "generate", "-m", m, "-p", "x", "--greedy", "--temperature", "0.5"));
    all.add(bad("--system", "generate", "-m", m, "-p", "x", "--system", "be brief"));
    all.add(bad("--edits", "generate", "-m", m, "-p", "x", "--edits", "MISSING"));
    all.add(bad("--edits", "generate", "-m", m, "-p", "x", "--edits", "FOLDER"));
    // inspect
    all.add(bad("--threads", "inspect", "-m", m, "--threads", "-1"));
    // edit
    String[] edit = {"edit", "-m", m, "--subject", "Tokyo", "--relation", "{} is in", "--target", "France"};
    all.add(bad("--steps", concat(edit, "--steps", "0")));
    all.add(bad("--steps", concat(edit, "--steps", "2000000000")));
    all.add(bad("--lr", concat(edit, "--lr", "NaN")));
    all.add(bad("--lr", concat(edit, "--lr", "-1")));
    all.add(bad("--epsilon", concat(edit, "--epsilon", "0")));
    all.add(bad("--directions", concat(edit, "--directions", "0")));
    all.add(bad("--layer", concat(edit, "--layer", "-1")));
    all.add(bad("--precision", concat(edit, "--precision", "int3")));
    all.add(bad("--edits", concat(edit, "--edits", "MISSING")));
    all.add(bad("--save", concat(edit, "--save", "EXISTING")));
    all.add(bad("--save", concat(edit, "--save", "/dev/null", "--force"))); // not replaced by a file, even forced
    all.add(bad("--subject", "edit", "-m", m, "--subject", " ", "--relation", "{} is in", "--target", "France"));
    all.add(bad("--target", "edit", "-m", m, "--subject", "Tokyo", "--relation", "{} is in", "--target", ""));
    all.add(bad("--prompt", "edit", "-m", m, "--subject", "Tokyo", "--prompt", "Paris is in", "--target", "Italy"));
    // eval
    String[] eval = {"eval", "-m", m, "--dataset", "DATASET", "--out", "NEW"};
    all.add(bad("--limit", concat(eval, "--limit", "-1")));
    all.add(bad("--offset", concat(eval, "--offset", "-1")));
    all.add(bad("--config", concat(eval, "--config", "fast")));
    all.add(bad("--steps", concat(eval, "--steps", "0")));
    all.add(bad("--lr", concat(eval, "--lr", "0")));
    all.add(bad("--layer", concat(eval, "--layer", "-2")));
    all.add(bad("--threads", concat(eval, "--threads", "-1")));
    all.add(bad("--dataset", "eval", "-m", m, "--dataset", "MISSING", "--out", "NEW"));
    all.add(bad("--out", "eval", "-m", m, "--dataset", "DATASET", "--out", "EXISTING"));
    all.add(bad("--out", "eval", "-m", m, "--dataset", "DATASET", "--out", "FULL"));
    all.add(bad("--offset", concat(eval, "--offset", "5")));
    // bench
    all.add(bad("--variants", "bench", "-m", m, "--variants", "cache,cahce"));
    all.add(bad("--variants", "bench", "-m", m, "--variants", "cache,cache"));
    all.add(bad("--variants", "bench", "-m", m, "--variants", ""));
    all.add(bad("--steps", "bench", "-m", m, "--steps", "1"));
    all.add(bad("--prompt-tokens", "bench", "-m", m, "--prompt-tokens", "0"));
    all.add(bad("--prompt-tokens", "bench", "-m", m, "--prompt-tokens", "2000000000"));
    all.add(bad("--decode-tokens", "bench", "-m", m, "--decode-tokens", "-1"));
    all.add(bad("--threads", "bench", "-m", m, "--threads", "-1"));
    all.add(bad("--warmup-tokens", "bench", "-m", m, "--warmup-tokens", "-1"));
    all.add(bad("--rows-out", "bench", "-m", m, "--rows-out", "FOLDER"));
    // ablation
    all.add(bad("--configs", "ablation", "-m", m, "--requests", "REQUESTS", "--configs", "both,fast"));
    all.add(bad("--limit", "ablation", "-m", m, "--requests", "REQUESTS", "--limit", "-1"));
    all.add(bad("--steps", "ablation", "-m", m, "--requests", "REQUESTS", "--steps", "-1"));
    all.add(bad("--requests", "ablation", "-m", m, "--requests", "MISSING"));
    // tokenize
    all.add(bad("--in", "tokenize", "-m", m, "--in", "MISSING"));
    all.add(bad("--pieces", "tokenize", "-m", m, "--in", "DATASET", "--pieces"));
    all.add(bad("--model", "tokenize", "-m", "MISSING", "--text", "x"));
    // demo (on the embedded model: checked before it is loaded)
    all.add(bad("--threads", "demo", "--threads", "-1"));
    all.add(bad("--layer", "demo", "--layer", "-1"));
    all.add(bad("--precision", "demo", "--precision", "fp64"));
    all.add(bad("--list", "demo", "--list", "--recall"));
    all.add(bad("--recall", "demo", "--recall", "--subject", "Padrai"));
    all.add(bad("--subject", "demo", "--subject", ""));
    all.add(bad("--target", "demo", "--target", "  "));
    all.add(bad("--paraphrase", "demo", "--paraphrase", ""));
    all.add(bad("--subject", "demo", "--relation", "lives in"));
    all.add(bad("--model", "demo", "--model", "MISSING"));
    all.add(bad("--list", "demo", "--model", m, "--list"));
    all.add(bad("--subject", "demo", "--model", m));
    // synthesize
    all.add(bad("--shape", "synthesize", "--shape", "gpt-5", "--out", "NEW"));
    all.add(bad("--format", "synthesize", "--shape", "qwen2.5-0.5b", "--format", "onnx", "--out", "NEW"));
    all.add(bad("--dtype", "synthesize", "--shape", "qwen2.5-0.5b", "--dtype", "i32", "--out", "NEW"));
    all.add(bad("--dtype", "synthesize", "--shape", "qwen2.5-0.5b", "--dtype", "q8_0", "--out", "NEW"));
    all.add(bad("--format", "synthesize", "--shape", "llama-3.2-3b", "--format", "gguf", "--out", "NEW"));
    all.add(bad("--out", "synthesize", "--shape", "qwen2.5-0.5b", "--format", "gguf", "--out", "EXISTING"));
    all.add(bad("--out", "synthesize", "--shape", "qwen2.5-0.5b", "--out", "FULL"));
    all.add(bad("--out", "synthesize", "--shape", "qwen2.5-0.5b", "--out", "EXISTING"));
    all.add(bad("--out", "synthesize", "--shape", "qwen2.5-0.5b", "--format", "gguf", "--out", "/dev/null",
        "--force"));
    return all;
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** The placeholders made real. */
  private static String[] resolve(String[] args) {
    String[] r = args.clone();
    for (int i = 0; i < r.length; i++) {
      switch (r[i]) {
        case "MODEL": r[i] = notAModel.toString(); break;
        case "MISSING": r[i] = dir.resolve("missing.file").toString(); break;
        case "FOLDER": r[i] = dir.toString(); break;
        case "DATASET": r[i] = dataset.toString(); break;
        case "REQUESTS": r[i] = requests.toString(); break;
        case "EXISTING": r[i] = existing.toString(); break;
        case "FULL": r[i] = fullFolder.toString(); break;
        case "NEW": r[i] = dir.resolve("new-output").toString(); break;
        default: break;
      }
    }
    return r;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badOptions")
  void aBadOptionIsAUsageErrorNamingItBeforeAnythingIsLoaded(String option, String[] args) throws IOException {
    CliRun run = CliRun.of(resolve(args));
    assertEquals(ExitCode.USAGE.code(), run.exitCode, run.toString());
    assertThat(run.err).startsWith("error (usage): ").contains(option).doesNotContain("\tat ")
        .doesNotContain("MODEL_CORRUPT");
    assertThat(run.out).isEmpty();
    // nothing was written
    assertEquals("something of mine", Files.readString(existing));
    assertThat(dir.resolve("new-output")).doesNotExist();
    try (var s = Files.list(fullFolder)) {
      assertThat(s.count()).isEqualTo(1);
    }
  }

  @Test
  void aHugeValueIsQuotedAsAnExcerpt() {
    String huge = "x".repeat(100_000);
    CliRun run = CliRun.of("demo", "--subject", "Padrai", "--relation", huge);
    assertEquals(ExitCode.USAGE.code(), run.exitCode, run.toString());
    assertThat(run.err).contains("--relation").contains("(100000 characters)").hasSizeLessThan(1_000);
  }

  @Test
  void evalAcceptsAnEmptyFolderOrAForcedOneAndGoesOnToTheModel() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    for (String[] out : new String[][] {{"--out", empty.toString()}, {"--out", fullFolder.toString(), "--force"}}) {
      CliRun run = CliRun.of(concat(new String[] {"eval", "-m", notAModel.toString(), "--dataset",
          dataset.toString()}, out));
      assertEquals(ExitCode.FAILED.code(), run.exitCode, run.toString());
      assertThat(run.err).contains("notes.gguf");
    }
  }

  @Test
  void editMaySaveBackIntoTheFileItsEditsCameFrom() {
    CliRun run = CliRun.of("edit", "-m", notAModel.toString(), "--subject", "Tokyo", "--relation", "{} is in",
        "--target", "France", "--edits", existing.toString(), "--save", existing.toString());
    assertEquals(ExitCode.FAILED.code(), run.exitCode, run.toString()); // past the checks, at the model
  }
}
