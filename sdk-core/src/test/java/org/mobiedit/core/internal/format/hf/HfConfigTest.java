package org.mobiedit.core.internal.format.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeScaling;

/** config.json of the model families the SDK supports. */
class HfConfigTest {
  @TempDir Path dir;

  private ModelSpec read(String json, boolean lmHead) throws IOException {
    Path f = Files.writeString(dir.resolve("config.json"), json);
    return HfConfig.read(f, lmHead);
  }

  @Test
  void llama32ConfigWithLlama3RopeScalingScalesLowFrequenciesOnly() throws IOException {
    ModelSpec s = read("{\"architectures\":[\"LlamaForCausalLM\"],\"model_type\":\"llama\",\"hidden_size\":3072,"
        + "\"intermediate_size\":8192,\"num_hidden_layers\":28,\"num_attention_heads\":24,\"num_key_value_heads\":8,"
        + "\"head_dim\":128,\"vocab_size\":128256,\"max_position_embeddings\":131072,\"rms_norm_eps\":1e-05,"
        + "\"rope_theta\":500000.0,\"tie_word_embeddings\":true,\"rope_scaling\":{\"factor\":32.0,"
        + "\"high_freq_factor\":4.0,\"low_freq_factor\":1.0,\"original_max_position_embeddings\":8192,"
        + "\"rope_type\":\"llama3\"}}", false);
    assertEquals(Architecture.LLAMA, s.architecture());
    assertEquals(RopeScaling.Type.LLAMA3, s.ropeScaling().type());
    assertThat(s.tiedEmbeddings()).isTrue();
    double[] scaled = s.ropeInverseFrequencies();
    double[] plain = RopeScaling.NONE.inverseFrequencies(128, 500000);
    assertEquals(plain[0], scaled[0], 0); // wavelength 2π < 8192/4: unscaled
    assertEquals(plain[63] / 32, scaled[63], 1e-18); // wavelength > 8192: divided by the factor
    // in between: a smooth blend, strictly between the two
    for (int i = 0; i < 64; i++) {
      assertThat(scaled[i]).isBetween(plain[i] / 32 * (1 - 1e-12), plain[i] * (1 + 1e-12));
    }
  }

  @Test
  void qwen2ConfigHasBiasesAndTiedEmbeddingsWhenNoLmHeadIsStored() throws IOException {
    ModelSpec s = read("{\"architectures\":[\"Qwen2ForCausalLM\"],\"model_type\":\"qwen2\",\"hidden_size\":896,"
        + "\"intermediate_size\":4864,\"num_hidden_layers\":24,\"num_attention_heads\":14,\"num_key_value_heads\":2,"
        + "\"vocab_size\":151936,\"rope_theta\":1000000.0,\"rms_norm_eps\":1e-06,\"max_position_embeddings\":32768}",
        false);
    assertEquals(Architecture.QWEN2, s.architecture());
    assertThat(s.attentionBias()).isTrue();
    assertThat(s.tiedEmbeddings()).isTrue();
    assertEquals(64, s.headDim());
    assertEquals(494_032_768L, s.parameterCount());
  }

  @Test
  void missingFieldsAndBadJsonAreReportedWithTheFile() throws IOException {
    assertThatThrownBy(() -> read("{\"model_type\":\"llama\",\"hidden_size\":64}", false))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("intermediate_size")
        .hasMessageContaining("config.json");
    assertThatThrownBy(() -> read("{\"model_type\": llama}", false)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> read("{\"model_type\":\"llama\",\"hidden_size\":64,\"intermediate_size\":8,"
        + "\"num_hidden_layers\":1,\"num_attention_heads\":3,\"vocab_size\":8,\"rope_scaling\":{\"rope_type\":\"yarn\","
        + "\"factor\":4}}", false)).hasMessageContaining("yarn");
  }
}
