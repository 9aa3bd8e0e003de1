package org.mobiedit.tools.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;

/** Synthetic models with a real tokenizer, so that benchmark rows have the token counts of real text. */
class SyntheticTokenizerTest {
  @TempDir Path dir;

  /** A tiny Qwen2 with the real Qwen2.5 vocabulary size (the embedding is 151,936 × 8 in f32: 4.9 MB). */
  private static ModelSpec tinyQwen(int vocab) {
    return ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(8).intermediateSize(16).layers(1)
        .heads(2).kvHeads(1).vocabSize(vocab).contextLength(64).ropeTheta(1e6).rmsNormEps(1e-6f)
        .tiedEmbeddings(true).attentionBias(true).build();
  }

  private static Path qwen2Tokenizer() {
    assumeTrue(SharedData.root().isPresent(), "../shared/data is absent: the Qwen2 tokenizer files are not here");
    return SharedData.require("tokenizers/qwen2");
  }

  @Test
  void aFolderWithTheQwen2TokenizerEncodesRealTextAsQwen2Does() throws IOException {
    Path model = dir.resolve("qwen");
    SyntheticModel.writeHf(tinyQwen(151936), model, 1, DType.F32, qwen2Tokenizer());
    assertThat(model.resolve("vocab.json")).exists();
    assertThat(model.resolve("merges.txt")).exists();
    assertThat(model.resolve("tokenizer.json")).doesNotExist();
    Tokenizer byModel;
    try (var weights = MobiEdit.openWeights(model)) {
      byModel = weights.tokenizer();
    }
    Tokenizer real = MobiEdit.openTokenizer(qwen2Tokenizer());
    String text = "The Eiffel Tower is located in the city of";
    assertThat(byModel.encode(text)).containsExactly(real.encode(text));
    assertThat(byModel.encode(text).length).isLessThan(text.length() / 3); // not one token per byte
  }

  @Test
  void replacingAByteTokenizerFolderLeavesNoStaleTokenizerJson() throws IOException {
    Path model = dir.resolve("qwen");
    SyntheticModel.writeHf(tinyQwen(151936), model, 1, DType.F32);
    assertThat(model.resolve("tokenizer.json")).exists();
    SyntheticModel.writeHf(tinyQwen(151936), model, 1, DType.F32, qwen2Tokenizer());
    assertThat(model.resolve("tokenizer.json")).doesNotExist(); // it would win over vocab.json + merges.txt
    assertThat(MobiEdit.openTokenizer(model).encode("Hello world")).hasSize(2);
  }

  @Test
  void aTokenizerLargerThanTheEmbeddingIsRefused() {
    Path tokenizer = qwen2Tokenizer(); // outside the lambda: its skip must not count as the thrown exception
    Path model = dir.resolve("small");
    assertThatThrownBy(() -> SyntheticModel.writeHf(tinyQwen(1000), model, 1, DType.F32, tokenizer))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("more than the 1000 rows")
        .hasMessageContaining("choose a shape");
    assertThat(model.resolve("model.safetensors")).doesNotExist();
    assertThat(model).doesNotExist(); // refused before anything is written
  }

  @Test
  void aFolderWithoutATokenizerIsRefused() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThatThrownBy(() -> SyntheticModel.writeHf(tinyQwen(300), dir.resolve("m"), 1, DType.F32, empty))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("holds no Hugging Face tokenizer");
  }
}
