package org.mobiedit.backend.cpu.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.generate.Sampler;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.tools.synthetic.SyntheticModel;

/**
 * The same seeded Qwen2 model written as a Hugging Face folder and as GGUF files (F32 and Q8_0) computes the same
 * function through the whole stack: format reader, tokenizer (tokenizer.json vs GGUF vocabulary), CPU backend.
 */
class SyntheticFormatsTest {
  @TempDir Path dir;

  private static final ModelSpec SPEC = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(64)
      .intermediateSize(96).layers(2).heads(2).kvHeads(1).vocabSize(300).contextLength(64).ropeTheta(1e6)
      .rmsNormEps(1e-6f).tiedEmbeddings(true).attentionBias(true).build();

  /** Rows of 256 and 512: whole Q4_K super-blocks, so every matrix can be written in any block type. */
  private static final ModelSpec BLOCK_ROWS = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(256)
      .intermediateSize(512).layers(2).heads(4).kvHeads(2).vocabSize(300).contextLength(64).ropeTheta(1e6)
      .rmsNormEps(1e-6f).tiedEmbeddings(true).attentionBias(true).build();

  private static float[][] logits(LanguageModel m, int[] ids) {
    int[] pos = new int[ids.length];
    Arrays.setAll(pos, i -> i);
    return m.backendModel().forward(new int[][] {ids}, new int[][] {pos})[0];
  }

  @Test
  void hfAndGgufFilesOfOneSeedGiveTheSameTokensAndLogits() {
    Path hf = dir.resolve("hf");
    Path gguf = dir.resolve("m.gguf");
    Path q8 = dir.resolve("m-q8.gguf");
    SyntheticModel.writeHf(SPEC, hf, 5, DType.F32);
    SyntheticModel.writeGguf(SPEC, gguf, 5, DType.F32);
    SyntheticModel.writeGguf(SPEC, q8, 5, DType.Q8_0);
    LoadOptions fp32 = new LoadOptions(Precision.FP32, "cpu", 2);
    try (LanguageModel a = LanguageModel.load(hf, fp32);
        LanguageModel b = LanguageModel.load(gguf, fp32);
        LanguageModel c = LanguageModel.load(q8, fp32)) {
      assertEquals("gguf v3", b.files().formatName());
      int[] ids = a.encodePrompt("The capital of France is");
      assertArrayEquals(ids, b.encodePrompt("The capital of France is"));
      float[][] la = logits(a, ids);
      float[][] lb = logits(b, ids);
      for (int t = 0; t < ids.length; t++) {
        assertArrayEquals(la[t], lb[t], "position " + t);
      }
      float[][] lc = logits(c, ids);
      int agree = 0;
      for (int t = 0; t < ids.length; t++) {
        agree += Sampler.argmax(la[t]) == Sampler.argmax(lc[t]) ? 1 : 0;
      }
      assertThat(agree).isGreaterThanOrEqualTo(ids.length * 8 / 10);
      GenerationOptions g = GenerationOptions.builder().maxTokens(8).stopAtEos(false).build();
      assertArrayEquals(a.generate(ids, g, (x, y) -> {}).getAllIds(), b.generate(ids, g, (x, y) -> {}).getAllIds());
    }
  }

  @Test
  void a4BitFileComputesTheSameLogitsInInt4AsInFp32AtASeventhOfTheMemory() {
    ModelSpec spec = BLOCK_ROWS;
    for (DType type : new DType[] {DType.Q4_K, DType.Q4_0}) {
      Path file = dir.resolve(type + ".gguf");
      SyntheticModel.writeGguf(spec, file, 9, type);
      try (LanguageModel f = LanguageModel.load(file, new LoadOptions(Precision.FP32, "cpu", 2));
          LanguageModel q = LanguageModel.load(file, new LoadOptions(Precision.INT4, "cpu", 2))) {
        int[] ids = f.encodePrompt("The capital of France is");
        float[][] lf = logits(f, ids);
        float[][] lq = logits(q, ids);
        for (int t = 0; t < ids.length; t++) {
          assertArrayEquals(lf[t], lq[t], type + " position " + t);
        }
        GenerationOptions g = GenerationOptions.builder().maxTokens(8).stopAtEos(false).build();
        assertArrayEquals(f.generate(ids, g, (x, y) -> {}).getAllIds(), q.generate(ids, g, (x, y) -> {}).getAllIds());
        assertThat((double) q.backendModel().memory().weightBytes())
            .isLessThan(f.backendModel().memory().weightBytes() / 6.5);
      }
    }
  }

  @Test
  void int4KeepsMatricesAFileQuantizedWithMoreBitsInInt8() {
    // A Q8_0 file (Q4_K_M files keep the embedding and some layers at 6 or 8 bits): int4 does not requantize those to
    // 4 bits but stores them int8, exactly as the int8 precision does.
    ModelSpec spec = BLOCK_ROWS;
    Path file = dir.resolve("q8.gguf");
    SyntheticModel.writeGguf(spec, file, 9, DType.Q8_0);
    try (LanguageModel a = LanguageModel.load(file, new LoadOptions(Precision.INT8, "cpu", 2));
        LanguageModel b = LanguageModel.load(file, new LoadOptions(Precision.INT4, "cpu", 2))) {
      int[] ids = a.encodePrompt("The capital of France is");
      float[][] la = logits(a, ids);
      float[][] lb = logits(b, ids);
      for (int t = 0; t < ids.length; t++) {
        assertArrayEquals(la[t], lb[t], "position " + t);
      }
      assertEquals(a.backendModel().memory().weightBytes(), b.backendModel().memory().weightBytes());
    }
  }
}
