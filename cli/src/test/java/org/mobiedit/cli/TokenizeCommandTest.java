package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mobiedit.core.testing.SharedData;

/** {@code mobiedit tokenize --in} reproduces llama.cpp's tokenizer test vectors line by line. */
class TokenizeCommandTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "qwen2 vocab.json+merges.txt, tokenizers/qwen2, tokenizers/qwen2/ggml-vocab-qwen2.gguf",
    "llama-spm GGUF, tokenizers/llama-spm/ggml-vocab-llama-spm.gguf, tokenizers/llama-spm/ggml-vocab-llama-spm.gguf",
    "gpt-2 GGUF, tokenizers/gpt-2/ggml-vocab-gpt-2.gguf, tokenizers/gpt-2/ggml-vocab-gpt-2.gguf"
  })
  void allLlamaCppTestVectorsMatch(String label, String model, String vectors) throws IOException {
    Path modelPath = SharedData.require(model);
    Path inp = SharedData.require(vectors + ".inp");
    List<String> expected = List.of(Files.readString(SharedData.require(vectors + ".out"), StandardCharsets.UTF_8)
        .split("\n", -1));
    CliRun run = CliRun.of("tokenize", "--model", modelPath.toString(), "--in", inp.toString());
    assertEquals(0, run.exitCode, run.toString());
    List<String> got = List.of(run.out.split("\n", -1));
    int matched = 0;
    for (int i = 0; i < Math.min(got.size(), expected.size()); i++) {
      if (got.get(i).equals(expected.get(i))) {
        matched++;
      }
    }
    System.out.printf(Locale.ROOT, "tokenizer vectors %s: %d/%d%n", label, matched, expected.size());
    assertThat(got).as(label).containsExactlyElementsOf(expected);
    assertEquals(47, expected.size());
  }
}
