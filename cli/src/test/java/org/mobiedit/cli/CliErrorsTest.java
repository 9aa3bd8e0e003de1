package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.core.testing.SharedData;

/** Bad input reaches the user as one clear line and a non-zero exit code, never a stack trace. */
class CliErrorsTest {
  @TempDir Path dir;

  /** Copies the named files of the stories260K HF folder into a fresh folder. */
  private Path copyOfStoriesHf(String... files) throws IOException {
    Path src = SharedData.require("models/stories260K/hf");
    Path copy = Files.createDirectories(dir.resolve("hf"));
    for (String f : files) {
      Files.copy(src.resolve(f), copy.resolve(f));
    }
    return copy;
  }

  private static void assertCleanFailure(CliRun run, String... fragments) {
    assertEquals(ExitCode.FAILED.code(), run.exitCode, run.toString());
    assertThat(run.err).startsWith("error (").doesNotContain("\tat ").contains(fragments);
  }

  private static void assertUsageError(CliRun run, String... fragments) {
    assertEquals(ExitCode.USAGE.code(), run.exitCode, run.toString());
    assertThat(run.err).startsWith("error (usage): ").doesNotContain("\tat ").contains(fragments);
  }

  @Test
  void aMissingModelPathIsReported() {
    CliRun run = CliRun.of("generate", "--model", dir.resolve("nope.gguf").toString(), "--prompt", "hi");
    assertUsageError(run, "--model", "nope.gguf");
  }

  @Test
  void aFileThatIsNotAModelIsReported() throws IOException {
    Path f = Files.writeString(dir.resolve("notes.gguf"), "these are my notes, not a model");
    CliRun run = CliRun.of("inspect", "--model", f.toString(), "--no-load");
    assertCleanFailure(run, "notes.gguf");
  }

  @Test
  void aTruncatedGgufIsReported() throws IOException {
    Path src = SharedData.require("models/stories260K/stories260K-f32.gguf");
    byte[] all = Files.readAllBytes(src);
    Path cut = dir.resolve("cut.gguf");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    CliRun run = CliRun.of("generate", "--model", cut.toString(), "--prompt", "Once");
    assertCleanFailure(run, "MODEL_CORRUPT", "cut.gguf");
  }

  @Test
  void aTruncatedSafetensorsIsReported() throws IOException {
    Path src = SharedData.require("models/stories260K/hf");
    Path copy = copyOfStoriesHf("config.json", "tokenizer.json", "tokenizer_config.json");
    byte[] all = Files.readAllBytes(src.resolve("model.safetensors"));
    Files.write(copy.resolve("model.safetensors"), java.util.Arrays.copyOf(all, all.length - 1000));
    CliRun run = CliRun.of("generate", "--model", copy.toString(), "--prompt", "Once");
    assertCleanFailure(run, "MODEL_CORRUPT", "model.safetensors");
  }

  @Test
  void aModelFolderWithoutTokenizerIsReported() throws IOException {
    Path copy = copyOfStoriesHf("config.json", "model.safetensors");
    CliRun run = CliRun.of("generate", "--model", copy.toString(), "--prompt", "Once");
    assertCleanFailure(run, "TOKENIZER_MISSING", "tokenizer.json");
  }

  @Test
  void anUnknownArchitectureIsReported() throws IOException {
    Path src = SharedData.require("models/stories260K/hf");
    Path copy = copyOfStoriesHf("model.safetensors", "tokenizer.json", "tokenizer_config.json");
    Files.writeString(copy.resolve("config.json"), Files.readString(src.resolve("config.json"))
        .replace("LlamaForCausalLM", "GPTNeoXForCausalLM").replace("\"llama\"", "\"gpt_neox\""));
    CliRun run = CliRun.of("generate", "--model", copy.toString(), "--prompt", "Once");
    assertCleanFailure(run, "MODEL_UNSUPPORTED", "gpt");
  }

  @Test
  void aTensorShapeThatDisagreesWithTheConfigIsReported() throws IOException {
    Path src = SharedData.require("models/stories260K/hf");
    Path copy = copyOfStoriesHf("model.safetensors", "tokenizer.json", "tokenizer_config.json");
    Files.writeString(copy.resolve("config.json"), Files.readString(src.resolve("config.json"))
        .replace("\"intermediate_size\": 172", "\"intermediate_size\": 176"));
    CliRun run = CliRun.of("generate", "--model", copy.toString(), "--prompt", "Once");
    assertCleanFailure(run, "MODEL_INCONSISTENT", "176");
  }

  @Test
  void anEmptyPromptOnAModelWithoutBosIsReported() {
    Path model = SharedData.require("models/qwen2-tiny-random");
    CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", "");
    assertCleanFailure(run, "INVALID_REQUEST", "prompt is empty");
  }

  @Test
  void aPromptLongerThanTheContextIsReported() {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    String longPrompt = "Once upon a time there was a cat. ".repeat(80);
    CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", longPrompt);
    assertCleanFailure(run, "CONTEXT_OVERFLOW", "512");
  }

  @Test
  void anUnknownPrecisionIsReported() {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", "x", "--precision", "fp8");
    assertUsageError(run, "--precision", "fp8", "fp32, int8");
  }

  @Test
  void anUnknownBackendIsReported() {
    Path model = SharedData.require("models/stories260K/stories260K-f32.gguf");
    CliRun run = CliRun.of("generate", "--model", model.toString(), "--prompt", "x", "--backend", "tpu");
    assertUsageError(run, "--backend", "\"tpu\"", "cpu");
  }

  @Test
  void aMalformedCommandLineExitsWithUsageCode() {
    CliRun run = CliRun.of("generate", "--prompt", "x");
    assertEquals(ExitCode.USAGE.code(), run.exitCode, run.toString());
    assertThat(run.err).contains("--model");
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd : new String[] {"generate", "edit", "tokenize", "inspect", "backends", "synthesize"}) {
      CliRun run = CliRun.of(cmd, "--help");
      assertEquals(0, run.exitCode, cmd);
      assertThat(run.out).contains("Usage: mobiedit " + cmd);
    }
  }
}
