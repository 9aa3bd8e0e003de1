package org.mobiedit.core.internal.format.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.spi.Architecture;

/** A damaged or hostile config.json is MODEL_CORRUPT naming the file and the field, never another exception. */
class HfConfigBadInputTest {
  /** A valid tiny Llama config; tests replace one field with {@link #with}. */
  private static final String BASE = "{\"architectures\":[\"LlamaForCausalLM\"],\"model_type\":\"llama\","
      + "\"hidden_size\":64,\"intermediate_size\":172,\"num_hidden_layers\":5,\"num_attention_heads\":8,"
      + "\"num_key_value_heads\":4,\"vocab_size\":512,\"max_position_embeddings\":512,\"rms_norm_eps\":1e-05,"
      + "\"rope_theta\":10000.0,\"tie_word_embeddings\":true}";

  @TempDir Path dir;

  /** The base config with {@code key} set to the raw JSON {@code value} (added when absent). */
  private static String with(String key, String value) {
    String quoted = "\"" + key + "\":";
    int at = BASE.indexOf(quoted);
    if (at < 0) {
      return BASE.substring(0, BASE.length() - 1) + "," + quoted + value + "}";
    }
    int end = at + quoted.length();
    int depth = 0;
    int i = end;
    for (; i < BASE.length(); i++) {
      char c = BASE.charAt(i);
      if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    return BASE.substring(0, end) + value + BASE.substring(i);
  }

  private Path write(String json) throws IOException {
    return Files.write(dir.resolve("config.json"), json.getBytes(StandardCharsets.UTF_8));
  }

  private AbstractThrowableAssert<?, ? extends Throwable> refused(String json, Reason reason) throws IOException {
    Path f = write(json);
    return assertThatThrownBy(() -> HfConfig.read(f, false))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(reason, e.getReason()))
        .hasMessageContaining(f.toString());
  }

  @Test
  void theBaseConfigLoads() throws IOException {
    assertEquals(Architecture.LLAMA, HfConfig.read(write(BASE), false).architecture());
  }

  @Test
  void architecturesGivenAsAStringIsCorruptNamingTheField() throws IOException {
    refused(with("architectures", "\"LlamaForCausalLM\""), Reason.MODEL_CORRUPT)
        .hasMessageContaining("\"architectures\"").hasMessageContaining("array");
  }

  @Test
  void linearRopeScalingWithoutFactorIsCorruptNamingTheField() throws IOException {
    refused(with("rope_scaling", "{\"type\":\"linear\"}"), Reason.MODEL_CORRUPT)
        .hasMessageContaining("\"rope_scaling.factor\"");
  }

  @Test
  void ropeScalingFactorThatIsNotPositiveIsCorrupt() throws IOException {
    refused(with("rope_scaling", "{\"type\":\"linear\",\"factor\":-2}"), Reason.MODEL_CORRUPT)
        .hasMessageContaining("rope_scaling.factor");
    refused(with("rope_scaling", "{\"rope_type\":\"llama3\",\"factor\":0,\"low_freq_factor\":1,"
        + "\"high_freq_factor\":4,\"original_max_position_embeddings\":8192}"), Reason.MODEL_CORRUPT)
        .hasMessageContaining("rope_scaling.factor");
  }

  @Test
  void ropeScalingOfWrongTypeIsCorrupt() throws IOException {
    refused(with("rope_scaling", "\"linear\""), Reason.MODEL_CORRUPT).hasMessageContaining("\"rope_scaling\"");
    refused(with("rope_scaling", "{\"type\":7,\"factor\":2}"), Reason.MODEL_CORRUPT)
        .hasMessageContaining("\"rope_scaling.type\"");
  }

  @Test
  void kvHeadsGivenAsAWordIsCorruptNamingTheField() throws IOException {
    refused(with("num_key_value_heads", "\"four\""), Reason.MODEL_CORRUPT)
        .hasMessageContaining("\"num_key_value_heads\"").hasMessageContaining("four");
  }

  @Test
  void nullModelTypeIsTreatedAsAbsent() throws IOException {
    assertEquals(Architecture.LLAMA, HfConfig.read(write(with("model_type", "null")), false).architecture());
    refused(with("model_type", "null").replace("[\"LlamaForCausalLM\"]", "[]"), Reason.MODEL_UNSUPPORTED);
  }

  @Test
  void aFractionalOrExponentIntegerIsNotTruncated() throws IOException {
    // Gson's getAsInt turned 64.5 into 64 and 1e10 into 1410065408.
    refused(with("hidden_size", "64.5"), Reason.MODEL_CORRUPT).hasMessageContaining("\"hidden_size\"")
        .hasMessageContaining("integer");
    refused(with("num_hidden_layers", "1e10"), Reason.MODEL_CORRUPT).hasMessageContaining("\"num_hidden_layers\"");
  }

  @Test
  void aHugeLayerCountIsRefusedAtOnceInsteadOfBuildingBillionsOfNames() throws IOException {
    Path f = write(with("num_hidden_layers", "2147483647"));
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> HfConfig.read(f, false))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.MODEL_CORRUPT, e.getReason()))
        .hasMessageContaining("num_hidden_layers"));
  }

  @Test
  void nonFiniteOrNonPositiveNumbersAreCorrupt() throws IOException {
    refused(with("rms_norm_eps", "1e999"), Reason.MODEL_CORRUPT).hasMessageContaining("rms_norm_eps");
    refused(with("rms_norm_eps", "-1e-5"), Reason.MODEL_CORRUPT).hasMessageContaining("rms_norm_eps");
    refused(with("rms_norm_eps", "\"small\""), Reason.MODEL_CORRUPT).hasMessageContaining("rms_norm_eps");
    refused(with("rope_theta", "0"), Reason.MODEL_CORRUPT).hasMessageContaining("rope_theta");
  }

  @Test
  void headsThatDoNotDivideOrAreZeroAreCorrupt() throws IOException {
    refused(with("num_key_value_heads", "3"), Reason.MODEL_CORRUPT).hasMessageContaining("key/value heads");
    refused(with("num_attention_heads", "0"), Reason.MODEL_CORRUPT).hasMessageContaining("num_attention_heads");
  }

  @Test
  void aBooleanFieldGivenAsAStringIsCorrupt() throws IOException {
    // Gson's getAsBoolean read "yes" as false.
    refused(with("tie_word_embeddings", "\"yes\""), Reason.MODEL_CORRUPT)
        .hasMessageContaining("\"tie_word_embeddings\"");
  }

  @Test
  void invalidUtf8IsCorruptionOfTheFileNotAnIoError() throws IOException {
    byte[] json = with("model_type", "\"llamaX\"").getBytes(StandardCharsets.UTF_8);
    int x = new String(json, StandardCharsets.UTF_8).indexOf("llamaX") + 5;
    json[x] = (byte) 0xff;
    Path f = Files.write(dir.resolve("config.json"), json);
    assertThatThrownBy(() -> HfConfig.read(f, false))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.MODEL_CORRUPT, e.getReason()))
        .hasMessageContaining("UTF-8").hasMessageNotContaining("Input length");
  }

  @Test
  void deeplyNestedJsonInAnUnusedKeyIsCorruptWithoutStackOverflow() throws IOException {
    StringBuilder deep = new StringBuilder();
    deep.append("[".repeat(100_000)).append("]".repeat(100_000));
    refused(with("unused", deep.toString()), Reason.MODEL_CORRUPT).hasMessageContaining("nested");
  }

  @Test
  void aConfigThatIsNotAnObjectIsCorrupt() throws IOException {
    refused("[1,2]", Reason.MODEL_CORRUPT);
    refused("", Reason.MODEL_CORRUPT);
  }

  @Test
  void anOversizedConfigIsRefusedBeforeItIsRead() throws IOException {
    Path f = dir.resolve("config.json");
    try (var out = Files.newOutputStream(f)) {
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 17; i++) {
        out.write(spaces);
      }
      out.write(BASE.getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> HfConfig.read(f, false))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.MODEL_CORRUPT, e.getReason()))
        .hasMessageContaining("bytes");
  }

  @Test
  void untrustedTextInMessagesIsCut() throws IOException {
    refused(with("num_key_value_heads", "\"" + "x".repeat(10_000) + "\""), Reason.MODEL_CORRUPT)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
  }
}
