package org.mobiedit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.numerics.HalfFloat;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.TensorNames;
import org.mobiedit.tools.synthetic.SyntheticModel;
import org.mobiedit.tools.writer.HalfFloats;
import org.mobiedit.tools.writer.SafetensorsWriter;

/** Opening Hugging Face folders and GGUF files, on fixtures the tests write themselves. */
class ModelFilesTest {
  @TempDir Path dir;

  static ModelSpec tinyQwen() {
    return ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(16).intermediateSize(24).layers(2)
        .heads(2).kvHeads(1).vocabSize(300).contextLength(128).ropeTheta(1e6).tiedEmbeddings(true)
        .attentionBias(true).build();
  }

  private Path writeTiny(String name, long seed, DType dtype) {
    Path folder = dir.resolve(name);
    SyntheticModel.writeHf(tinyQwen(), folder, seed, dtype);
    return folder;
  }

  private static MobiEditException.Reason reasonOf(Runnable r) {
    try {
      r.run();
    } catch (MobiEditException e) {
      return e.getReason();
    }
    throw new AssertionError("no exception");
  }

  @Test
  void aHuggingFaceFolderOpensWithItsSpecAndTensors() {
    try (OpenModel m = ModelFiles.open(writeTiny("m", 1, DType.BF16))) {
      assertEquals(tinyQwen().toString(), m.spec().toString());
      assertEquals(RopeLayout.ROTATE_HALF, m.spec().ropeLayout());
      assertThat(m.tensorNames()).containsAll(m.spec().requiredTensors());
      assertEquals(DType.BF16, m.tensor(TensorNames.ffnDown(1)).dtype());
      assertArrayEquals(new long[] {16, 24}, m.tensor(TensorNames.ffnDown(1)).shape());
      assertEquals("safetensors", m.formatName());
      assertThat(m.mappedBytes()).isEqualTo(2 * m.spec().parameterCount() + 2L * (16 + 8 + 8) * 2 - 2L * 64);
    }
  }

  @Test
  void aReleasedTensorIsMappedAgainOnTheNextRead() {
    try (OpenModel m = ModelFiles.open(writeTiny("r", 2, DType.F32))) {
      var t = m.tensor(TensorNames.ffnUp(0));
      float[] before = t.readAll();
      t.releaseResident();
      t.releaseResident();
      assertArrayEquals(before, t.readAll());
    }
  }

  @Test
  void theSameSeedGivesTheSameFingerprintAndAnotherSeedAnother() {
    String a;
    String b;
    String c;
    try (OpenModel m = ModelFiles.open(writeTiny("a", 7, DType.F32))) {
      a = m.fingerprint();
    }
    try (OpenModel m = ModelFiles.open(writeTiny("b", 7, DType.F32))) {
      b = m.fingerprint();
    }
    try (OpenModel m = ModelFiles.open(writeTiny("c", 8, DType.F32))) {
      c = m.fingerprint();
    }
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void f32Bf16AndF16TensorsReadBackAsWritten() {
    float[] values = {0f, 1f, -2.5f, 3.1415927f, 65504f, 1e-7f, -0f, 1e-3f};
    Path f = dir.resolve("t.safetensors");
    new SafetensorsWriter()
        .add("a", DType.F32, new long[] {2, 4}, values)
        .add("b", DType.BF16, new long[] {8}, values)
        .add("c", DType.F16, new long[] {8}, values)
        .write(f);
    var header = org.mobiedit.core.internal.format.safetensors.SafetensorsHeader.read(f);
    try (MappedFile mf = MappedFile.open(f)) {
      float[] got = new float[8];
      for (var e : header.entries()) {
        new MappedTensor(e.name(), e.dtype(), e.shape(), mf, e.begin()).read(0, got, 0, 8);
        for (int i = 0; i < 8; i++) {
          float expected = switch (e.name()) {
            case "a" -> values[i];
            case "b" -> Float.intBitsToFloat((HalfFloats.floatToBf16(values[i]) & 0xffff) << 16);
            default -> HalfFloat.toFloat(HalfFloat.fromFloat(values[i]) & 0xffff);
          };
          assertEquals(expected, got[i], e.name() + "[" + i + "]");
        }
      }
    }
  }

  @Test
  void bfloat16ConversionRoundsToNearestEven() {
    // IEEE half in both directions is sdk-api's HalfFloat (HalfFloatTest).
    assertEquals((short) 0x3f80, HalfFloats.floatToBf16(1f));
    assertEquals((short) 0x3f80, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f808000)), "a tie goes to even");
    assertEquals((short) 0x3f82, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f818000)), "a tie goes to even");
  }

  @Test
  void q8AndQ4BlocksDecodeAsGgmlDefinesThem() {
    ByteBuffer b = ByteBuffer.allocate(34 + 18).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(HalfFloat.fromFloat(0.5f));
    for (int i = 0; i < 32; i++) {
      b.put((byte) (i - 16));
    }
    b.putShort(HalfFloat.fromFloat(2f));
    for (int i = 0; i < 16; i++) {
      b.put((byte) ((i & 0xf) | ((15 - i) << 4)));
    }
    float[] out = new float[64];
    Dequantizer.decode(DType.Q8_0, b, 0, out, 0, 32);
    Dequantizer.decode(DType.Q4_0, b, 34, out, 32, 32);
    for (int i = 0; i < 32; i++) {
      assertEquals((i - 16) * 0.5f, out[i]);
    }
    for (int i = 0; i < 16; i++) {
      assertEquals((i - 8) * 2f, out[32 + i]);
      assertEquals((15 - i - 8) * 2f, out[48 + i]);
    }
  }

  @Test
  void q6kBlockWithUniformScalesDecodesToScaledCodes() {
    ByteBuffer b = ByteBuffer.allocate(210).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 128; i++) {
      b.put(i, (byte) 0x21); // low nibbles 1 and 2
    }
    for (int i = 0; i < 64; i++) {
      b.put(128 + i, (byte) 0b10_01_00_11); // high bits 3,0,1,2 for the four quarters
    }
    for (int i = 0; i < 16; i++) {
      b.put(192 + i, (byte) 2);
    }
    b.putShort(208, HalfFloat.fromFloat(0.25f));
    float[] out = new float[256];
    Dequantizer.decode(DType.Q6_K, b, 0, out, 0, 256);
    // q1 = 1 | 3<<4 = 49, q2 = 1 | 0 = 1, q3 = 2 | 1<<4 = 18, q4 = 2 | 2<<4 = 34; minus 32, times d*scale = 0.5
    assertEquals((49 - 32) * 0.5f, out[0]);
    assertEquals((1 - 32) * 0.5f, out[32]);
    assertEquals((18 - 32) * 0.5f, out[64]);
    assertEquals((34 - 32) * 0.5f, out[96]);
    assertEquals((49 - 32) * 0.5f, out[128]);
  }

  @Test
  void q4kBlockAppliesSubBlockScalesAndMins() {
    ByteBuffer b = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(0, HalfFloat.fromFloat(1f));
    b.putShort(2, HalfFloat.fromFloat(0.5f));
    // sub-blocks 0..3: scale = j+1, min = 2 (6-bit, stored directly); 4..7: scale 1, min 0
    for (int j = 0; j < 4; j++) {
      b.put(4 + j, (byte) (j + 1));
      b.put(8 + j, (byte) 2);
    }
    for (int j = 0; j < 4; j++) {
      b.put(12 + j, (byte) 0x01);
    }
    for (int i = 0; i < 128; i++) {
      b.put(16 + i, (byte) 0x53); // low nibble 3, high nibble 5
    }
    float[] out = new float[256];
    Dequantizer.decode(DType.Q4_K, b, 0, out, 0, 256);
    assertEquals(1 * 3 - 0.5f * 2, out[0]); // sub-block 0: low nibbles
    assertEquals(2 * 5 - 0.5f * 2, out[32]); // sub-block 1: high nibbles
    assertEquals(3 * 3 - 0.5f * 2, out[64]);
    assertEquals(4 * 5 - 0.5f * 2, out[96]);
    assertEquals(1 * 3 - 0f, out[128]);
  }

  @Test
  void aShardedFolderLoadsTheSameTensorsAsASingleFile() throws IOException {
    Path single = writeTiny("single", 3, DType.F32);
    Path sharded = dir.resolve("sharded");
    Files.createDirectories(sharded);
    Files.copy(single.resolve("config.json"), sharded.resolve("config.json"));
    Files.copy(single.resolve("tokenizer.json"), sharded.resolve("tokenizer.json"));
    var header = org.mobiedit.core.internal.format.safetensors.SafetensorsHeader.read(single.resolve("model.safetensors"));
    SafetensorsWriter one = new SafetensorsWriter();
    SafetensorsWriter two = new SafetensorsWriter();
    StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
    try (MappedFile mf = MappedFile.open(single.resolve("model.safetensors"))) {
      int i = 0;
      for (var e : header.entries()) {
        MappedTensor t = new MappedTensor(e.name(), e.dtype(), e.shape(), mf, e.begin());
        float[] data = t.readAll();
        String shard = i++ % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
        (shard.contains("00001-of") ? one : two).add(e.name(), DType.F32, e.shape(), data);
        index.append(i > 1 ? "," : "").append('"').append(e.name()).append("\": \"").append(shard).append('"');
      }
    }
    one.write(sharded.resolve("model-00001-of-00002.safetensors"));
    two.write(sharded.resolve("model-00002-of-00002.safetensors"));
    Files.writeString(sharded.resolve("model.safetensors.index.json"), index.append("}}").toString());
    try (OpenModel a = ModelFiles.open(single); OpenModel b = ModelFiles.open(sharded)) {
      assertEquals("safetensors (2 shards)", b.formatName());
      for (String name : a.tensorNames()) {
        assertArrayEquals(a.tensor(name).readAll(), b.tensor(name).readAll(), name);
      }
      assertEquals(a.fingerprint(), b.fingerprint());
    }
    Files.delete(sharded.resolve("model-00002-of-00002.safetensors"));
    assertThatThrownBy(() -> ModelFiles.open(sharded)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("model-00002-of-00002.safetensors").hasMessageContaining("missing");
  }

  @Test
  void truncatedSafetensorsDataIsReportedAsCorrupt() throws IOException {
    Path m = writeTiny("cut", 1, DType.F32);
    Path f = m.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, all.length - 10));
    assertThatThrownBy(() -> ModelFiles.open(m)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("truncated").hasMessageContaining("model.safetensors")
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(MobiEditException.Reason.MODEL_CORRUPT);
  }

  @Test
  void aSafetensorsHeaderCutShortOrMalformedIsReported() throws IOException {
    Path m = writeTiny("hdr", 1, DType.F32);
    Path f = m.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, 40));
    assertThatThrownBy(() -> ModelFiles.open(m)).hasMessageContaining("header").hasMessageContaining("truncated");
    byte[] bad = all.clone();
    bad[9] = '!';
    Files.write(f, bad);
    assertThatThrownBy(() -> ModelFiles.open(m)).hasMessageContaining("not valid JSON");
    Files.write(f, new byte[0]);
    assertEquals(MobiEditException.Reason.MODEL_CORRUPT, reasonOf(() -> ModelFiles.open(m)));
  }

  @Test
  void aMissingTensorOrAShapeThatDisagreesWithTheConfigIsReported() throws IOException {
    Path m = writeTiny("shape", 1, DType.F32);
    String config = Files.readString(m.resolve("config.json"));
    Files.writeString(m.resolve("config.json"), config.replace("\"intermediate_size\": 24", "\"intermediate_size\": 32"));
    assertThatThrownBy(() -> ModelFiles.open(m)).hasMessageContaining("blk.0.ffn_gate.weight")
        .hasMessageContaining("[24, 16]").hasMessageContaining("[32, 16]")
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(MobiEditException.Reason.MODEL_INCONSISTENT);
    Files.writeString(m.resolve("config.json"), config.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
    assertThatThrownBy(() -> ModelFiles.open(m)).hasMessageContaining("has no tensor blk.2.");
  }

  @Test
  void anUnknownArchitectureIsReportedWithTheSupportedOnes() throws IOException {
    Path m = writeTiny("arch", 1, DType.F32);
    String config = Files.readString(m.resolve("config.json"));
    Files.writeString(m.resolve("config.json"),
        config.replace("Qwen2ForCausalLM", "MambaForCausalLM").replace("\"qwen2\"", "\"mamba\""));
    assertThatThrownBy(() -> ModelFiles.open(m)).hasMessageContaining("mamba").hasMessageContaining("llama")
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(MobiEditException.Reason.MODEL_UNSUPPORTED);
  }

  @Test
  void missingPathsAndFoldersWithoutAModelAreReported() throws IOException {
    assertEquals(MobiEditException.Reason.MODEL_NOT_FOUND, reasonOf(() -> ModelFiles.open(dir.resolve("nope"))));
    Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> ModelFiles.open(dir.resolve("empty"))).hasMessageContaining("no config.json");
  }

  @Test
  void ggufHeadersThatAreWrongAreReported() throws IOException {
    Path notGguf = Files.writeString(dir.resolve("x.gguf"), "PK\u0003\u0004 this is a zip");
    assertThatThrownBy(() -> ModelFiles.open(notGguf)).hasMessageContaining("not a GGUF file")
        .hasMessageContaining("50 4b 03 04");
    ByteBuffer v1 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0x46554747).putInt(1);
    Path old = Files.write(dir.resolve("v1.gguf"), v1.array());
    assertThatThrownBy(() -> ModelFiles.open(old)).hasMessageContaining("version 1");
    ByteBuffer cut = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(0x46554747).putInt(3)
        .putLong(1).putLong(5).putLong(1000);
    Path truncated = Files.write(dir.resolve("cut.gguf"), cut.array());
    assertThatThrownBy(() -> ModelFiles.open(truncated)).hasMessageContaining("truncated")
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(MobiEditException.Reason.MODEL_CORRUPT);
    Path empty = Files.write(dir.resolve("empty.gguf"), new byte[0]);
    assertEquals(MobiEditException.Reason.MODEL_CORRUPT, reasonOf(() -> ModelFiles.open(empty)));
  }

  @Test
  void tensorsBeyondTwoGibibytesAreReadCorrectly() throws IOException {
    // A sparse file: a 2.16 GB tensor (never written, reads as zeros) followed by a small one at offset > 2^31.
    long rows = 540_000;
    long cols = 1000;
    long bigBytes = rows * cols * 4;
    String header = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + rows + "," + cols + "],\"data_offsets\":[0," + bigBytes
        + "]},\"small\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + bigBytes + "," + (bigBytes + 16)
        + "]}}";
    Path f = dir.resolve("large.safetensors");
    byte[] json = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
      raf.write(len.array());
      raf.write(json);
      long dataStart = 8 + json.length;
      raf.setLength(dataStart + bigBytes + 16);
      raf.seek(dataStart + bigBytes);
      ByteBuffer small = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
          .putFloat(1.5f).putFloat(-2f).putFloat(3f).putFloat(42f);
      raf.write(small.array());
      raf.seek(dataStart + 300_000L * cols * 4);
      raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(7f).array());
    }
    var h = org.mobiedit.core.internal.format.safetensors.SafetensorsHeader.read(f);
    try (MappedFile mf = MappedFile.open(f)) {
      var byName = h.byName();
      var s = byName.get("small");
      assertThat(s.begin()).isGreaterThan(Integer.MAX_VALUE);
      assertArrayEquals(new float[] {1.5f, -2f, 3f, 42f},
          new MappedTensor("small", s.dtype(), s.shape(), mf, s.begin()).readAll());
      var b = byName.get("big");
      MappedTensor big = new MappedTensor("big", b.dtype(), b.shape(), mf, b.begin());
      float[] row = new float[(int) cols];
      big.readRow(300_000, row);
      assertEquals(7f, row[0]);
      big.readRow((int) rows - 1, row);
      assertEquals(0f, row[999]);
    }
  }
}
