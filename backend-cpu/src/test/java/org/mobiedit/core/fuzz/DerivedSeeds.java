package org.mobiedit.core.fuzz;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Seeds cut from real ones so that more inputs fit in the same time: the Qwen2 tokenizer's first 3,000 tokens, the
 * merges among them and its special tokens renumbered after them (the full 151,643 tokens + 151,387 merges take
 * about as long to load as a hundred small tokenizers).
 * Written at the start of a campaign into its work folder, never into the repository.
 */
final class DerivedSeeds {
  private static final int QWEN2_TOKENS = 3_000;

  private DerivedSeeds() {}

  /** A vocab.json + merges.txt + tokenizer_config.json folder with the first tokens of a Qwen2 tokenizer. */
  static Path qwen2Small(Path qwen2, Path out) throws IOException {
    if (Files.isRegularFile(out.resolve("tokenizer_config.json"))) {
      return out; // made by an earlier campaign JVM of this run (written last, so complete)
    }
    Files.createDirectories(out);
    JsonObject vocab = JsonParser.parseString(
        new String(Files.readAllBytes(qwen2.resolve("vocab.json")), StandardCharsets.UTF_8)).getAsJsonObject();
    JsonObject kept = new JsonObject();
    for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
      if (e.getValue().getAsInt() < QWEN2_TOKENS) {
        kept.add(e.getKey(), e.getValue());
      }
    }
    Files.write(out.resolve("vocab.json"),
        new GsonBuilder().disableHtmlEscaping().create().toJson(kept).getBytes(StandardCharsets.UTF_8));
    List<String> merges = new ArrayList<>();
    for (String line : new String(Files.readAllBytes(qwen2.resolve("merges.txt")), StandardCharsets.UTF_8)
        .split("\n")) {
      int sp = line.indexOf(' ');
      if (line.startsWith("#version")) {
        merges.add(line); // the only comment the SDK skips: "# Ċ" is a merge like any other
      } else if (sp > 0 && kept.has(line.substring(0, sp)) && kept.has(line.substring(sp + 1))
          && kept.has(line.substring(0, sp) + line.substring(sp + 1))) {
        merges.add(line);
      }
    }
    Files.write(out.resolve("merges.txt"), (String.join("\n", merges) + "\n").getBytes(StandardCharsets.UTF_8));
    // the added tokens (151,643 and up) get the ids after the kept ones, or the vocabulary would still have 151,646
    // entries, all but 3,000 of them placeholders
    JsonObject config = JsonParser.parseString(new String(Files.readAllBytes(qwen2.resolve("tokenizer_config.json")),
        StandardCharsets.UTF_8)).getAsJsonObject();
    if (config.has("added_tokens_decoder") && config.get("added_tokens_decoder").isJsonObject()) {
      JsonObject renumbered = new JsonObject();
      int next = QWEN2_TOKENS;
      for (Map.Entry<String, JsonElement> e : config.getAsJsonObject("added_tokens_decoder").entrySet()) {
        renumbered.add(Integer.toString(next++), e.getValue());
      }
      config.add("added_tokens_decoder", renumbered);
    }
    Files.write(out.resolve("tokenizer_config.json"), new GsonBuilder().disableHtmlEscaping().setPrettyPrinting()
        .create().toJson(config).getBytes(StandardCharsets.UTF_8));
    return out;
  }
}
