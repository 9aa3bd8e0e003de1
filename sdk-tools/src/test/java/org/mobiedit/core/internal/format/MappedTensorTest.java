package org.mobiedit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.tools.synthetic.SyntheticModel;

/**
 * The checks every tensor gets before it is mapped, whatever its format: size overflow, negative dimensions and
 * extents beyond the file are refused before anything is allocated; overlapping tensors and layer counts that the
 * tensors cannot hold are refused before the model is built.
 */
class MappedTensorTest {
  @TempDir Path dir;

  private MappedFile file(int bytes) throws Exception {
    return MappedFile.open(Files.write(dir.resolve("data.bin"), new byte[bytes]));
  }

  private static MobiEditException refused(MappedFile f, long[] shape, DType type, long offset) {
    return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      try {
        new MappedTensor("t", type, shape, f, offset);
      } catch (MobiEditException e) {
        return e;
      }
      throw new AssertionError(Arrays.toString(shape) + " was accepted");
    });
  }

  @Test
  void aShapeFarLargerThanTheFileIsCorruptBeforeAnythingIsAllocated() throws Exception {
    try (MappedFile f = file(1024)) {
      // 2^52 rows of 256 bytes: the old code sized its array of mapped pieces (2^30) from the shape first.
      MobiEditException e = refused(f, new long[] {1L << 52, 64}, DType.F32, 0);
      assertThat(e.getReason()).isEqualTo(Reason.MODEL_CORRUPT);
      assertThat(e.getMessage()).contains("data.bin is truncated or corrupt", "\"t\"");
    }
  }

  @Test
  void aShapeWhoseSizeOverflowsIsCorruptInsteadOfEmpty() throws Exception {
    try (MappedFile f = file(1024)) {
      MobiEditException e = refused(f, new long[] {1L << 33, 1L << 33, 4}, DType.F32, 0);
      assertThat(e.getReason()).isEqualTo(Reason.MODEL_CORRUPT);
      assertThat(e.getMessage()).contains("overflows 64 bits");
    }
  }

  @Test
  void aNegativeDimensionIsCorrupt() throws Exception {
    try (MappedFile f = file(1024)) {
      MobiEditException e = refused(f, new long[] {-1, 64}, DType.F32, 0);
      assertThat(e.getReason()).isEqualTo(Reason.MODEL_CORRUPT);
      assertThat(e.getMessage()).contains("negative dimension");
    }
  }

  @Test
  void anOffsetPastTheEndIsCorrupt() throws Exception {
    try (MappedFile f = file(1024)) {
      assertThat(refused(f, new long[] {4}, DType.F32, Long.MAX_VALUE - 4).getReason())
          .isEqualTo(Reason.MODEL_CORRUPT);
      assertThat(refused(f, new long[] {4}, DType.F32, -16).getReason()).isEqualTo(Reason.MODEL_CORRUPT);
    }
  }

  @Test
  void aTensorInsideTheFileReadsItsValues() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 8; i++) {
      b.putFloat(i);
    }
    try (MappedFile f = MappedFile.open(Files.write(dir.resolve("ok.bin"), b.array()))) {
      MappedTensor t = new MappedTensor("t", DType.F32, new long[] {2, 4}, f, 0);
      assertThat(t.readAll()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }
  }

  @Test
  void overlappingSafetensorsTensorsAreCorrupt() throws Exception {
    ModelSpec spec = ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(16).intermediateSize(24)
        .layers(1).heads(2).kvHeads(1).vocabSize(300).contextLength(64).tiedEmbeddings(true).build();
    Path folder = dir.resolve("hf");
    SyntheticModel.writeHf(spec, folder, 1, DType.F32);
    Path st = folder.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(st);
    int n = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    JsonObject header = JsonParser.parseString(new String(bytes, 8, n, StandardCharsets.UTF_8)).getAsJsonObject();
    // Both norms of layer 0 have 16 floats: make the second one point at the bytes of the first.
    JsonArray shared = header.getAsJsonObject("model.layers.0.input_layernorm.weight").getAsJsonArray("data_offsets");
    header.getAsJsonObject("model.layers.0.post_attention_layernorm.weight").add("data_offsets", shared.deepCopy());
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
    out.write(json);
    out.write(bytes, 8 + n, bytes.length - 8 - n);
    Files.write(st, out.toByteArray());
    assertThatThrownBy(() -> ModelFiles.open(folder).close())
        .isInstanceOfSatisfying(MobiEditException.class, e -> {
          assertThat(e.getReason()).isEqualTo(Reason.MODEL_CORRUPT);
          assertThat(e.getMessage()).contains("model.safetensors", "overlap");
        });
  }

  @Test
  void aLayerCountTheTensorsCannotHoldIsRefusedBeforeTensorNamesAreMade() {
    ModelSpec spec;
    try {
      spec = ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(16).intermediateSize(24)
          .layers(Integer.MAX_VALUE).heads(2).kvHeads(1).vocabSize(300).contextLength(64).tiedEmbeddings(true)
          .build();
    } catch (IllegalArgumentException e) {
      assumeTrue(false, "ModelSpec itself refuses 2^31-1 layers: " + e.getMessage());
      return;
    }
    ModelSpec absurd = spec;
    // 2^31-1 layers would make 19 billion names; only the layers the (no) tensors could hold are looked at.
    MobiEditException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      try {
        OpenModel.validate(absurd, java.util.Map.of(), dir, "config.json");
      } catch (MobiEditException x) {
        return x;
      }
      throw new AssertionError("accepted");
    });
    assertThat(e.getReason()).isEqualTo(Reason.MODEL_INCONSISTENT);
    assertThat(e.getMessage()).contains("has no tensor token_embd.weight");
  }
}
