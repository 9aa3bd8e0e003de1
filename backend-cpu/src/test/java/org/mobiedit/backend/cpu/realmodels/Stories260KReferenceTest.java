package org.mobiedit.backend.cpu.realmodels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.generate.Sampler;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.testing.SharedData;

/**
 * stories260K (real pretrained llama2.c weights): our loaders, tokenizer and forward pass reproduce the reference
 * greedy continuations of llama2.c's run.c exactly, from the GGUF file and from the Hugging Face folder.
 */
class Stories260KReferenceTest {
  private static final String DIR = "models/stories260K/";

  private static LoadOptions options(Precision p) {
    return new LoadOptions(p, "cpu", 2);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"stories260K-f32.gguf", "hf"})
  void greedyGenerationReproducesTheReferenceIdsForAllPrompts(String format) throws IOException {
    Path model = SharedData.require(DIR + format);
    JsonObject ref = ReferenceJson.read(SharedData.require(DIR + "reference.json"));
    try (LanguageModel lm = LanguageModel.load(model, options(Precision.FP32))) {
      for (JsonElement c : ref.getAsJsonArray("cases")) {
        JsonObject cs = c.getAsJsonObject();
        int[] promptIds = ReferenceJson.ints(cs.get("prompt_ids"));
        int[] expected = ReferenceJson.ints(cs.get("greedy_ids"));
        int[] encoded = lm.encodePrompt(cs.get("prompt").getAsString());
        assertArrayEquals(promptIds, encoded, "prompt ids of \"" + cs.get("prompt").getAsString() + "\"");
        Generation g = lm.generate(encoded,
            GenerationOptions.builder().maxTokens(expected.length - promptIds.length).build(), (id, t) -> {});
        assertArrayEquals(expected, g.getAllIds(), "greedy ids after \"" + cs.get("prompt").getAsString() + "\"");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"stories260K-f32.gguf", "hf"})
  void lastPromptLogitsMatchTheFloat64Reference(String format) throws IOException {
    Path model = SharedData.require(DIR + format);
    JsonObject ref = ReferenceJson.read(SharedData.require(DIR + "reference.json"));
    try (LanguageModel lm = LanguageModel.load(model, options(Precision.FP32))) {
      for (JsonElement c : ref.getAsJsonArray("cases")) {
        JsonObject cs = c.getAsJsonObject();
        int[] ids = ReferenceJson.ints(cs.get("prompt_ids"));
        double[] expected = ReferenceJson.doubles(cs.get("prompt_last_logits"));
        float[] got = lm.backendModel().forward(new int[][] {ids}, new int[][] {{ids.length - 1}})[0][0];
        for (int v = 0; v < expected.length; v++) {
          assertThat((double) got[v]).as("logit %d", v).isCloseTo(expected[v], org.assertj.core.data.Offset.offset(
              1e-3 * Math.max(1, Math.abs(expected[v]))));
        }
      }
    }
  }

  /**
   * int8 weights (symmetric, per output channel) keep the model's choices: teacher-forced over the reference
   * continuations, the int8 top-1 token equals the fp32 top-1 at ≥ 95% of positions.
   */
  @Test
  void int8WeightsAgreeWithFp32OnAtLeast95PercentOfPositions() throws IOException {
    Path model = SharedData.require(DIR + "stories260K-f32.gguf");
    JsonObject ref = ReferenceJson.read(SharedData.require(DIR + "reference.json"));
    int agree = 0;
    int total = 0;
    try (LanguageModel fp32 = LanguageModel.load(model, options(Precision.FP32));
        LanguageModel int8 = LanguageModel.load(model, options(Precision.INT8))) {
      for (JsonElement c : ref.getAsJsonArray("cases")) {
        int[] ids = ReferenceJson.ints(c.getAsJsonObject().get("greedy_ids"));
        int[] positions = new int[ids.length];
        Arrays.setAll(positions, i -> i);
        float[][] a = fp32.backendModel().forward(new int[][] {ids}, new int[][] {positions})[0];
        float[][] b = int8.backendModel().forward(new int[][] {ids}, new int[][] {positions})[0];
        for (int p = 0; p < positions.length; p++) {
          total++;
          if (Sampler.argmax(a[p]) == Sampler.argmax(b[p])) {
            agree++;
          }
        }
      }
    }
    double rate = (double) agree / total;
    System.out.printf(Locale.ROOT, "stories260K int8 vs fp32 top-1 agreement: %d/%d = %.4f%n", agree, total, rate);
    assertThat(rate).isGreaterThanOrEqualTo(0.95);
  }
}
