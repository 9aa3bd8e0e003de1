package org.mobiedit.tools.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.files.GgufMetadataFile;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;

/**
 * Synthetic models with a real tokenizer, so that benchmark rows have the token counts of real text: Hugging Face
 * folders with the tokenizer files copied in, GGUF files with the vocabulary in their metadata as llama.cpp's converter
 * writes it.
 */
class SyntheticTokenizerTest {
  private static final String TEXT = "The Eiffel Tower is located in";
  /** The ids of {@link #TEXT} in the Qwen2 vocabulary (Hugging Face's tokenizer and llama.cpp agree). */
  private static final int[] QWEN2_IDS = {785, 468, 3092, 301, 21938, 374, 7407, 304};

  @TempDir Path dir;

  /** A tiny Qwen2 with the real Qwen2.5 vocabulary size (rows of 32: one Q8_0 block; the embedding is 19 MB). */
  private static ModelSpec tinyQwen(int vocab) {
    return ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(32).intermediateSize(32).layers(1)
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

  private static Map<String, Object> metadata(Path gguf) {
    try (GgufFile f = GgufFile.open(gguf)) {
      return f.metadata();
    }
  }

  @Test
  void theSdkReadsTheQwen2VocabularyFromTheGgufAsFromTheFolder() {
    Path folder = qwen2Tokenizer();
    for (DType type : List.of(DType.F32, DType.Q8_0)) {
      Path gguf = dir.resolve("qwen-" + type + ".gguf");
      SyntheticModel.writeGguf(tinyQwen(151936), gguf, 1, type, folder);
      Tokenizer byModel;
      try (var weights = MobiEdit.openWeights(gguf)) {
        byModel = weights.tokenizer();
      }
      assertThat(byModel.encode(TEXT)).as(type.toString()).containsExactly(QWEN2_IDS);
      assertThat(MobiEdit.openTokenizer(folder).encode(TEXT)).containsExactly(QWEN2_IDS);
    }
  }

  @Test
  void theGgufVocabularyEncodesEveryLlamaCppTestStringAsTheFolderDoes() throws IOException {
    Path folder = qwen2Tokenizer();
    Path gguf = dir.resolve("qwen.gguf");
    SyntheticModel.writeGguf(tinyQwen(151936), gguf, 1, DType.F32, folder);
    Tokenizer fromGguf = MobiEdit.openTokenizer(gguf);
    Tokenizer fromFolder = MobiEdit.openTokenizer(folder);
    String[] texts = Files.readString(folder.resolve("ggml-vocab-qwen2.gguf.inp"), StandardCharsets.UTF_8)
        .split("\n__ggml_vocab_test__\n", -1);
    assertThat(texts).hasSizeGreaterThan(40);
    for (String text : texts) {
      assertThat(fromGguf.encode(text)).as(text).containsExactly(fromFolder.encode(text));
    }
  }

  @Test
  void theMetadataIsWhatLlamaCppExpectsOfAQwen2Vocabulary() {
    Path gguf = dir.resolve("qwen.gguf");
    SyntheticModel.writeGguf(tinyQwen(151936), gguf, 1, DType.F32, qwen2Tokenizer());
    Map<String, Object> md = metadata(gguf);
    assertThat(md).containsEntry("tokenizer.ggml.model", "gpt2").containsEntry("tokenizer.ggml.pre", "qwen2")
        .containsEntry("tokenizer.ggml.bos_token_id", 151643L).containsEntry("tokenizer.ggml.eos_token_id", 151645L)
        .containsEntry("tokenizer.ggml.padding_token_id", 151643L)
        .containsEntry("tokenizer.ggml.add_bos_token", false);
    List<?> tokens = (List<?>) md.get("tokenizer.ggml.tokens");
    long[] types = (long[]) md.get("tokenizer.ggml.token_type");
    assertThat(tokens).hasSize(151936); // llama.cpp sizes the vocabulary by the embedding
    assertThat(types).hasSize(151936);
    assertThat(tokens.get(785)).isEqualTo("The");
    assertThat(types[785]).isEqualTo(1); // normal
    assertThat(tokens.get(151644)).isEqualTo("<|im_start|>");
    assertThat(types[151644]).isEqualTo(3); // control
    assertThat(tokens.get(151700)).isEqualTo("[PAD151700]");
    assertThat(types[151700]).isEqualTo(5); // unused
    List<?> merges = (List<?>) md.get("tokenizer.ggml.merges");
    assertThat(merges).hasSize(151387);
    assertThat(merges.get(0)).isEqualTo("Ġ Ġ");
  }

  @Test
  void aTokenizerLargerThanTheEmbeddingIsRefusedBeforeTheGgufIsWritten() {
    Path tokenizer = qwen2Tokenizer(); // outside the lambda: its skip must not count as the thrown exception
    Path gguf = dir.resolve("small.gguf");
    assertThatThrownBy(() -> SyntheticModel.writeGguf(tinyQwen(1000), gguf, 1, DType.F32, tokenizer))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("more than the 1000 rows");
    assertThat(gguf).doesNotExist();
  }

  @Test
  void aSentencePieceTokenizerJsonIsRefusedForGguf() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("spm"));
    Files.writeString(folder.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0,"
        + " \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\"]}, \"added_tokens\": [], \"pre_tokenizer\": {\"type\":"
        + " \"Metaspace\"}, \"decoder\": {\"type\": \"Metaspace\"}}", StandardCharsets.UTF_8);
    Path gguf = dir.resolve("spm.gguf");
    assertThatThrownBy(() -> SyntheticModel.writeGguf(tinyQwen(300), gguf, 1, DType.F32, folder))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("not a byte-level BPE tokenizer")
        .hasMessageContaining("--format hf");
    assertThat(gguf).doesNotExist();
  }

  private static Path llamaSpmVocabulary() {
    assumeTrue(SharedData.root().isPresent(), "../shared/data is absent: no Llama SentencePiece vocabulary here");
    return SharedData.require("tokenizers/llama-spm").resolve("ggml-vocab-llama-spm.gguf");
  }

  private static ModelSpec tinyLlama(int vocab) {
    return ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(32).intermediateSize(32).layers(1)
        .heads(2).kvHeads(2).vocabSize(vocab).contextLength(64).ropeTheta(10000).rmsNormEps(1e-5f).build();
  }

  @Test
  void aGgufModelTakesLlama2sSentencePieceVocabularyFromAVocabularyFile() {
    Path vocabulary = llamaSpmVocabulary();
    Path model = dir.resolve("llama.gguf");
    SyntheticModel.writeGguf(tinyLlama(32000), model, 1, DType.F32, vocabulary);
    Tokenizer real = MobiEdit.openTokenizer(vocabulary);
    Tokenizer byModel;
    try (var weights = MobiEdit.openWeights(model)) {
      byModel = weights.tokenizer();
    }
    String text = "The Eiffel Tower is located in the city of";
    assertThat(byModel.encode(text)).containsExactly(real.encode(text));
    assertThat(byModel.encode(text).length).isLessThan(text.length() / 3);
    Map<String, Object> copied = GgufMetadataFile.read(model);
    GgufMetadataFile.read(vocabulary).forEach((key, value) -> {
      if (key.startsWith("tokenizer.")) {
        assertThat(copied.get(key)).as(key).isEqualTo(value);
      }
    });
  }

  @Test
  void aGgufVocabularyOfAnotherSizeOrForAFolderIsRefused() {
    Path vocabulary = llamaSpmVocabulary();
    assertThatThrownBy(() -> SyntheticModel.writeGguf(tinyLlama(32064), dir.resolve("a.gguf"), 1, DType.F32,
        vocabulary)).isInstanceOf(MobiEditException.class).hasMessageContaining("has 32000 tokens")
        .hasMessageContaining("32064 rows");
    assertThatThrownBy(() -> SyntheticModel.writeHf(tinyLlama(32000), dir.resolve("hf"), 1, DType.F32, vocabulary))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("--format gguf");
    assertThat(dir.resolve("a.gguf")).doesNotExist();
    assertThat(dir.resolve("hf")).doesNotExist();
  }
}
