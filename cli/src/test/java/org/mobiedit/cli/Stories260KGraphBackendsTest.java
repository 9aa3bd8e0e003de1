package org.mobiedit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.testing.SharedData;

/**
 * stories260K (real llama2.c weights) generates the reference greedy ids on the graph backends too (backend-cpu's own
 * test is Stories260KReferenceTest): LiteRT's interpreter and ONNX Runtime, each found through ServiceLoader as an app
 * finds it.
 */
class Stories260KGraphBackendsTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"litert, stories260K-f32.gguf", "litert, hf", "qnn, stories260K-f32.gguf", "qnn, hf"})
  void greedyGenerationReproducesTheReferenceIds(String backend, String format) throws IOException {
    Path model = SharedData.require("models/stories260K/" + format);
    JsonObject ref = JsonParser.parseString(Files.readString(SharedData.require("models/stories260K/reference.json")))
        .getAsJsonObject();
    try (LanguageModel lm = LanguageModel.load(model, new LoadOptions(Precision.FP32, backend, 2))) {
      for (JsonElement c : ref.getAsJsonArray("cases")) {
        JsonObject cs = c.getAsJsonObject();
        int[] expected = ints(cs, "greedy_ids");
        int[] prompt = lm.encodePrompt(cs.get("prompt").getAsString());
        Generation g = lm.generate(prompt,
            GenerationOptions.builder().maxTokens(expected.length - prompt.length).build(), (id, t) -> {});
        assertArrayEquals(expected, g.getAllIds(),
            backend + ": greedy ids after \"" + cs.get("prompt").getAsString() + "\"");
      }
    }
  }

  private static int[] ints(JsonObject o, String key) {
    return o.getAsJsonArray(key).asList().stream().mapToInt(JsonElement::getAsInt).toArray();
  }
}
