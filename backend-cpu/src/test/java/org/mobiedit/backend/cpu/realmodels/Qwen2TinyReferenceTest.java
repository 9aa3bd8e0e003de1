package org.mobiedit.backend.cpu.realmodels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.generate.Sampler;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.testing.SharedData;

/**
 * qwen2-tiny-random (Qwen2 architecture, BF16 weights, q/k/v biases, GQA, tied embeddings, theta 1e6, the real Qwen2
 * tokenizer): logits agree with a float64 reference forward of the same weights.
 */
class Qwen2TinyReferenceTest {
  private static final String DIR = "models/qwen2-tiny-random";

  private static double relTol(double expected) {
    return 1e-3 * Math.max(1, Math.abs(expected));
  }

  @Test
  void logitsMatchTheFloat64ReferenceAndConfidentArgmaxesAreIdentical() throws IOException {
    Path model = SharedData.require(DIR);
    JsonObject ref = ReferenceJson.read(SharedData.require(DIR + "/reference.json"));
    try (LanguageModel lm = LanguageModel.load(model, new LoadOptions(Precision.FP32, "cpu", 2))) {
      int confident = 0;
      for (JsonElement c : ref.getAsJsonArray("cases")) {
        JsonObject cs = c.getAsJsonObject();
        int[] ids = ReferenceJson.ints(cs.get("ids"));
        int[] argmax = ReferenceJson.ints(cs.get("argmax"));
        double[] margin = ReferenceJson.doubles(cs.get("margin"));
        double[] lse = ReferenceJson.doubles(cs.get("logsumexp_per_position"));
        double[] first16 = ReferenceJson.doubles(cs.get("last_logits_first16"));
        int[] positions = new int[ids.length];
        Arrays.setAll(positions, i -> i);
        float[][] logits = lm.backendModel().forward(new int[][] {ids}, new int[][] {positions})[0];
        for (int p = 0; p < ids.length; p++) {
          assertThat(logSumExp(logits[p])).as("log-sum-exp at %d", p).isCloseTo(lse[p], Offset.offset(relTol(lse[p])));
          if (margin[p] > 1e-2) {
            confident++;
            assertEquals(argmax[p], Sampler.argmax(logits[p]), "argmax at position " + p);
          }
        }
        float[] last = logits[ids.length - 1];
        for (int v = 0; v < first16.length; v++) {
          assertThat((double) last[v]).as("last logit %d", v).isCloseTo(first16[v], Offset.offset(relTol(first16[v])));
        }
        double atArgmax = cs.get("last_logits_at_argmax").getAsDouble();
        assertThat((double) last[argmax[ids.length - 1]]).isCloseTo(atArgmax, Offset.offset(relTol(atArgmax)));
      }
      assertThat(confident).isGreaterThan(10);
    }
  }

  @Test
  void theChatMlPromptTokenizesToTheReferenceIds() throws IOException {
    Path model = SharedData.require(DIR);
    JsonObject ref = ReferenceJson.read(SharedData.require(DIR + "/reference.json"));
    int[] expected = ReferenceJson.ints(ref.getAsJsonArray("cases").get(2).getAsJsonObject().get("ids"));
    try (LanguageModel lm = LanguageModel.load(model, new LoadOptions(Precision.FP32, "cpu", 1))) {
      assertArrayEquals(expected,
          lm.encodePrompt("<|im_start|>user\nWhat is the capital of France?<|im_end|>"));
      assertArrayEquals(ReferenceJson.ints(ref.getAsJsonArray("cases").get(0).getAsJsonObject().get("ids")),
          lm.encodePrompt("The capital of France is"));
    }
  }

  private static double logSumExp(float[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (float v : x) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }
}
