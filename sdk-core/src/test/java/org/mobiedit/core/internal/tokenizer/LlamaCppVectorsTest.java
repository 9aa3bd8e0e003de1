package org.mobiedit.core.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.core.tokenizer.Tokenizer;

/** llama.cpp's tokenizer test vectors: every text encodes to the expected ids and decodes back to itself. */
class LlamaCppVectorsTest {
  private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

  private static void check(String label, Tokenizer tok, Path base) throws IOException {
    String[] texts = Files.readString(Path.of(base + ".inp"), StandardCharsets.UTF_8).split(SEPARATOR, -1);
    String[] expected = Files.readString(Path.of(base + ".out"), StandardCharsets.UTF_8).split("\n", -1);
    assertEquals(expected.length, texts.length);
    List<String> mismatches = new ArrayList<>();
    int ok = 0;
    for (int i = 0; i < texts.length; i++) {
      StringBuilder sb = new StringBuilder();
      for (int id : tok.encode(texts[i])) {
        sb.append(' ').append(id);
      }
      if (sb.toString().equals(expected[i])) {
        ok++;
      } else {
        mismatches.add(i + ": " + texts[i] + "\n   want" + expected[i] + "\n   got " + sb);
      }
    }
    System.out.printf(Locale.ROOT, "%s: %d/%d%n", label, ok, texts.length);
    assertThat(mismatches).as(label).isEmpty();
    for (String t : texts) {
      assertEquals(t, tok.decode(tok.encode(t)), "round trip of \"" + t + "\"");
    }
  }

  private static Tokenizer gguf(Path file) {
    try (GgufFile g = GgufFile.open(file)) {
      return Tokenizers.fromGgufMetadata(g.metadata());
    }
  }

  @Test
  void qwen2VocabAndMergesMatchAll47Vectors() throws IOException {
    Path dir = SharedData.require("tokenizers/qwen2");
    check("qwen2", Tokenizers.forFolder(dir), dir.resolve("ggml-vocab-qwen2.gguf"));
  }

  @Test
  void qwen2NormalisesTextToNfcLikeItsReferenceTokenizer() {
    Tokenizer t = Tokenizers.forFolder(SharedData.require("tokenizers/qwen2"));
    assertEquals(java.util.Arrays.toString(t.encode("caf\u00e9")), java.util.Arrays.toString(t.encode("cafe\u0301")));
  }

  @Test
  void llamaSpmGgufMatchesAll47Vectors() throws IOException {
    Path f = SharedData.require("tokenizers/llama-spm/ggml-vocab-llama-spm.gguf");
    check("llama-spm", gguf(f), f);
  }

  @Test
  void gpt2GgufMatchesAll47Vectors() throws IOException {
    Path f = SharedData.require("tokenizers/gpt-2/ggml-vocab-gpt-2.gguf");
    check("gpt-2", gguf(f), f);
  }

  @Test
  void stories260KTokenizersFromGgufAndTokenizerJsonAgree() {
    Path gguf = SharedData.require("models/stories260K/stories260K-f32.gguf");
    Path hf = SharedData.require("models/stories260K/hf");
    Tokenizer a = gguf(gguf);
    Tokenizer b = Tokenizers.forFolder(hf);
    Function<Tokenizer, String> enc = t -> java.util.Arrays.toString(t.encodeForModel("Lily went to the park"));
    assertEquals("[1, 317, 263, 377, 267, 265, 282, 295, 433]", enc.apply(a));
    assertEquals(enc.apply(a), enc.apply(b));
    assertEquals("[1]", java.util.Arrays.toString(a.encodeForModel("")));
    assertEquals("[1]", java.util.Arrays.toString(b.encodeForModel("")));
  }
}
