package org.mobiedit.core.internal.format.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.spi.DType;

/** Every field of a safetensors header is checked; a bad one is MODEL_CORRUPT naming the tensor and field. */
class SafetensorsHeaderBadInputTest {
  @TempDir Path dir;

  /** A file with the given header JSON (UTF-8) followed by {@code dataBytes} zero bytes. */
  private Path file(byte[] header, int dataBytes) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    return Files.write(dir.resolve("model.safetensors"), b.array());
  }

  private Path file(String header, int dataBytes) throws IOException {
    return file(header.getBytes(StandardCharsets.UTF_8), dataBytes);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> refused(String header, int dataBytes) throws IOException {
    Path f = file(header, dataBytes);
    return assertThatThrownBy(() -> SafetensorsHeader.read(f))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.MODEL_CORRUPT, e.getReason()))
        .hasMessageContaining(f.toString());
  }

  @Test
  void aValidHeaderIsRead() throws IOException {
    SafetensorsHeader h = SafetensorsHeader.read(file("{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[24,26]}}", 26));
    assertEquals(2, h.entries().size());
    SafetensorsHeader.Entry a = h.byName().get("a");
    assertEquals(DType.F32, a.dtype());
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertEquals(h.dataStart(), a.begin());
    assertEquals(h.dataStart() + 24, a.end());
  }

  @Test
  void aShapeThatIsAnObjectIsCorruptNamingTheField() throws IOException {
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":{},\"data_offsets\":[0,4]}}", 4).hasMessageContaining("w.shape");
  }

  @Test
  void aShapeWithNonIntegerDimensionsIsCorrupt() throws IOException {
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4).hasMessageContaining("w.shape");
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4).hasMessageContaining("w.shape");
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4).hasMessageContaining("w.shape");
  }

  @Test
  void aDtypeThatIsNotAStringIsCorrupt() throws IOException {
    // Gson read a one-element array as its element, so ["F32"] passed as F32.
    refused("{\"w\":{\"dtype\":[\"F32\"],\"shape\":[1],\"data_offsets\":[0,4]}}", 4).hasMessageContaining("w.dtype");
    refused("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4).hasMessageContaining("w.dtype");
    refused("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4).hasMessageContaining("w.dtype");
  }

  @Test
  void anUnsupportedDtypeIsUnsupportedWithTheNameCut() throws IOException {
    Path f = file("{\"w\":{\"dtype\":\"I8" + "x".repeat(5000) + "\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
    assertThatThrownBy(() -> SafetensorsHeader.read(f))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.MODEL_UNSUPPORTED, e.getReason()))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
  }

  @Test
  void dataOffsetsOfWrongTypeOrLengthAreCorrupt() throws IOException {
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8)
        .hasMessageContaining("w.data_offsets");
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4).hasMessageContaining("w.data_offsets");
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",\"4\"]}}", 4)
        .hasMessageContaining("w.data_offsets");
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"0\":4}}}", 4)
        .hasMessageContaining("w.data_offsets");
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4)
        .hasMessageContaining("w.data_offsets");
  }

  @Test
  void dataOffsetsBeyondTheFileAreCorrupt() throws IOException {
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4).hasMessageContaining("truncated");
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[9223372036854775800,9223372036854775804]}}", 4)
        .hasMessageContaining("w");
  }

  @Test
  void overlappingTensorsAreCorrupt() throws IOException {
    refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12).hasMessageContaining("overlap");
  }

  @Test
  void aShapeWhoseSizeOverflowsIsCorruptInsteadOfWrappingToTheOffsets() throws IOException {
    // 2^62 * 4 elements wrap to 0 in a long, which matched the empty byte range.
    refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}", 0)
        .hasMessageContaining("w");
  }

  @Test
  void metadataOfWrongTypeIsCorrupt() throws IOException {
    refused("{\"__metadata__\":5}", 0).hasMessageContaining("__metadata__");
    refused("{\"__metadata__\":{\"format\":{\"deep\":1}}}", 0).hasMessageContaining("__metadata__.format");
  }

  @Test
  void deeplyNestedJsonIsCorruptWithoutStackOverflow() throws IOException {
    refused("{\"__metadata__\":{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}}", 0)
        .hasMessageContaining("nested");
  }

  @Test
  void invalidUtf8InTheHeaderIsCorrupt() throws IOException {
    byte[] h = "{\"w?\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
    h[3] = (byte) 0xc3; // a lead byte followed by '"': not UTF-8
    Path f = file(h, 4);
    assertThatThrownBy(() -> SafetensorsHeader.read(f))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.MODEL_CORRUPT, e.getReason()))
        .hasMessageContaining("UTF-8");
  }

  @Test
  void aHeaderLengthBeyondTheFileOrAbsurdIsRefusedBeforeReading() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
    Path f = Files.write(dir.resolve("huge.safetensors"), b.array());
    assertThatThrownBy(() -> SafetensorsHeader.read(f))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.MODEL_CORRUPT, e.getReason()));
    b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
    Path g = Files.write(dir.resolve("short.safetensors"), b.array());
    assertThatThrownBy(() -> SafetensorsHeader.read(g))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.MODEL_CORRUPT, e.getReason()))
        .hasMessageContaining("truncated");
  }

  @Test
  void anEntryThatIsNotAnObjectOrAHeaderThatIsNotAnObjectIsCorrupt() throws IOException {
    refused("{\"w\":5}", 0).hasMessageContaining("\"w\"");
    refused("[1,2]", 0);
  }
}
