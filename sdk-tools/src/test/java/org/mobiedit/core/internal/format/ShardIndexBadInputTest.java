package org.mobiedit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.spi.DType;
import org.mobiedit.tools.synthetic.SyntheticModel;

/** A sharded Hugging Face folder whose index or shards disagree is MODEL_CORRUPT, naming the index field. */
class ShardIndexBadInputTest {
  @TempDir Path dir;
  private Path folder;

  @BeforeEach
  void writeModel() throws IOException {
    Path single = dir.resolve("single");
    SyntheticModel.writeHf(ModelFilesTest.tinyQwen(), single, 1, DType.F32);
    folder = Files.createDirectories(dir.resolve("sharded"));
    Files.copy(single.resolve("config.json"), folder.resolve("config.json"));
    Files.copy(single.resolve("model.safetensors"), folder.resolve("a.safetensors"));
    Files.copy(single.resolve("model.safetensors"), dir.resolve("outside.safetensors"));
  }

  private AbstractThrowableAssert<?, ? extends Throwable> refused(String index) throws IOException {
    Files.writeString(folder.resolve("model.safetensors.index.json"), index);
    return assertThatThrownBy(() -> ModelFiles.open(folder).close())
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.MODEL_CORRUPT, e.getReason()));
  }

  @Test
  void aShardOutsideTheModelFolderIsRefused() throws IOException {
    refused("{\"weight_map\":{\"model.norm.weight\":\"../outside.safetensors\"}}")
        .hasMessageContaining("weight_map.model.norm.weight").hasMessageContaining("../outside.safetensors");
  }

  @Test
  void aShardNameThatIsNotAStringIsCorrupt() throws IOException {
    // Gson read a one-element array as its element.
    refused("{\"weight_map\":{\"model.norm.weight\":[\"a.safetensors\"]}}")
        .hasMessageContaining("weight_map.model.norm.weight");
    refused("{\"weight_map\":[\"a.safetensors\"]}").hasMessageContaining("weight_map");
    refused("{}").hasMessageContaining("weight_map");
  }

  @Test
  void aTensorStoredInTwoShardsIsCorrupt() throws IOException {
    Files.copy(folder.resolve("a.safetensors"), folder.resolve("b.safetensors"));
    refused("{\"weight_map\":{\"model.norm.weight\":\"a.safetensors\",\"lm_head.weight\":\"b.safetensors\"}}")
        .hasMessageContaining("stored twice");
  }
}
