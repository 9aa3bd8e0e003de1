package org.mobiedit.core.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes GGUF metadata values (little-endian) for mutations that replace or add entries. */
final class GgufBytes {
  static final int U32 = 4;
  static final int I32 = 5;
  static final int F32 = 6;
  static final int STRING = 8;
  static final int ARRAY = 9;
  static final int U64 = 10;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  GgufBytes u32(long v) {
    out.writeBytes(LittleEndian.u32(v));
    return this;
  }

  GgufBytes u64(long v) {
    out.writeBytes(LittleEndian.u64(v));
    return this;
  }

  GgufBytes string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    u64(b.length);
    out.writeBytes(b);
    return this;
  }

  GgufBytes raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  byte[] toBytes() {
    return out.toByteArray();
  }
}
