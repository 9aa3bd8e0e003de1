package org.mobiedit.core.internal.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;

/** GGUF model metadata of the wrong type, out of range or inconsistent is a MobiEditException naming the key. */
class GgufModelsTest {
  @TempDir Path dir;

  private MobiEditException openWith(String key, Object value) {
    Map<String, Object> md = TinyGguf.metadata();
    md.put(key, value);
    Path file = TinyGguf.write(dir.resolve("model.gguf"), md);
    return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      try (OpenModel m = ModelFiles.open(file)) {
        throw new AssertionError(key + " = " + value + " was accepted: " + m.spec());
      } catch (MobiEditException e) {
        assertThat(e.getMessage()).contains(file.toString());
        return e;
      }
    });
  }

  private void assertCorrupt(String key, Object value, String... fragments) {
    MobiEditException e = openWith(key, value);
    assertThat(e.getReason()).isEqualTo(Reason.MODEL_CORRUPT);
    assertThat(e.getMessage()).contains(fragments);
  }

  @Test
  void validMetadataOpens() {
    try (OpenModel m = ModelFiles.open(TinyGguf.write(dir.resolve("model.gguf")))) {
      assertThat(m.spec().toString()).isEqualTo(TinyGguf.SPEC.toString());
    }
  }

  @Test
  void headCountZeroIsCorruptInsteadOfADivisionByZero() {
    assertCorrupt("llama.attention.head_count", 0L, "llama.attention.head_count is 0");
  }

  @Test
  void blockCountOf2To31IsRefusedBeforeBillionsOfTensorNamesAreMade() {
    MobiEditException e = openWith("llama.block_count", (long) Integer.MAX_VALUE);
    assertThat(e.getReason()).isEqualTo(Reason.MODEL_INCONSISTENT);
    assertThat(e.getMessage()).contains("llama.block_count says 2147483647 layers");
  }

  @Test
  void aStringWhereAnIntegerBelongsIsNamedWithItsType() {
    assertCorrupt("llama.embedding_length", "four", "llama.embedding_length is the string \"four\"",
        "must be an integer");
  }

  @Test
  void anIntegerBeyondIntRangeIsCorruptInsteadOfAnArithmeticException() {
    assertCorrupt("llama.embedding_length", 1L << 32, "llama.embedding_length is 4294967296");
  }

  @Test
  void negativeContextLengthIsCorrupt() {
    assertCorrupt("llama.context_length", -1L, "llama.context_length is -1");
  }

  @Test
  void kvHeadsThatDoNotDivideTheHeadsAreNamed() {
    assertCorrupt("llama.attention.head_count_kv", 3L, "head_count_kv (3)");
    assertCorrupt("llama.attention.head_count_kv", 8L, "llama.attention.head_count_kv is 8");
  }

  @Test
  void hiddenSizeNotAMultipleOfTheHeadsWithoutKeyLengthIsCorrupt() {
    assertCorrupt("llama.embedding_length", 18L, "embedding_length (18) is not a multiple");
  }

  @Test
  void ropeBaseThatIsNaNOrAStringIsCorrupt() {
    assertCorrupt("llama.rope.freq_base", Double.NaN, "llama.rope.freq_base is NaN");
    // Used to be ignored silently (the default 10000 was used instead).
    assertCorrupt("llama.rope.freq_base", "1e6", "llama.rope.freq_base is the string \"1e6\"");
  }

  @Test
  void negativeRmsEpsilonIsCorrupt() {
    assertCorrupt("llama.attention.layer_norm_rms_epsilon", -1.0, "layer_norm_rms_epsilon is -1.0");
  }

  @Test
  void linearRopeScalingWithANaNFactorIsCorruptInsteadOfAnIllegalArgumentException() {
    Map<String, Object> md = TinyGguf.metadata();
    md.put("llama.rope.scaling.type", "linear");
    md.put("llama.rope.scaling.factor", Double.NaN);
    Path file = TinyGguf.write(dir.resolve("model.gguf"), md);
    try (OpenModel m = ModelFiles.open(file)) {
      throw new AssertionError("accepted " + m.spec());
    } catch (MobiEditException e) {
      assertThat(e.getReason()).isEqualTo(Reason.MODEL_CORRUPT);
      assertThat(e.getMessage()).contains("llama.rope.scaling.factor is NaN");
    }
  }

  @Test
  void ropeScalingTypeThatIsNotAStringIsCorrupt() {
    assertCorrupt("llama.rope.scaling.type", 1L, "llama.rope.scaling.type is the integer 1");
  }

  @Test
  void architectureThatIsNotAStringIsCorrupt() {
    assertCorrupt("general.architecture", 7L, "general.architecture is the integer 7");
  }
}
