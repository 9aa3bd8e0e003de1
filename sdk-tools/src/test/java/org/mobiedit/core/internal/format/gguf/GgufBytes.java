package org.mobiedit.core.internal.format.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Raw GGUF bytes for tests of structural corruption: each field is written exactly as given, valid or not. */
final class GgufBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Magic, version 3, and the two counts. */
  static GgufBytes header(long tensors, long metadataEntries) {
    return new GgufBytes().i32(0x46554747).i32(3).i64(tensors).i64(metadataEntries);
  }

  GgufBytes u8(int v) {
    out.write(v);
    return this;
  }

  GgufBytes i32(int v) {
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    return this;
  }

  GgufBytes i64(long v) {
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    return this;
  }

  GgufBytes string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    i64(b.length);
    out.writeBytes(b);
    return this;
  }

  /** A metadata entry of type uint32. */
  GgufBytes u32Entry(String key, long value) {
    return string(key).i32(4).i32((int) value);
  }

  /** A metadata entry of type string. */
  GgufBytes stringEntry(String key, String value) {
    return string(key).i32(8).string(value);
  }

  /** A tensor info: name, dimensions (innermost first, as GGUF stores them), ggml type, offset. */
  GgufBytes tensor(String name, long[] ne, int ggmlType, long offset) {
    string(name).i32(ne.length);
    for (long d : ne) {
      i64(d);
    }
    return i32(ggmlType).i64(offset);
  }

  /** Zero bytes up to the next multiple of {@code alignment}. */
  GgufBytes pad(int alignment) {
    while (out.size() % alignment != 0) {
      out.write(0);
    }
    return this;
  }

  GgufBytes zeros(int n) {
    out.writeBytes(new byte[n]);
    return this;
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  Path write(Path file) throws IOException {
    Files.write(file, bytes());
    return file;
  }

  /**
   * Writes these bytes at the start of a file of {@code size} bytes; the rest is a hole, so a multi-gigabyte file
   * costs no disk space (the reader sees zeros).
   */
  Path writeSparse(Path file, long size) throws IOException {
    write(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
    return file;
  }
}
