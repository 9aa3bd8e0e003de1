package org.mobiedit.core.internal.format.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each field of a well-formed GGUF header lies, so a test can change exactly one of them (one byte of a real
 * file, as a disk error or a hostile edit would).
 */
final class GgufLayout {
  /** Positions of one metadata entry. */
  record Entry(long keyPos, long typePos, long valuePos) {}

  /** Positions of one tensor info. */
  record Info(long namePos, long dimsPos, long typePos, long offsetPos) {}

  final Map<String, Entry> entries = new LinkedHashMap<>();
  final Map<String, Info> tensors = new LinkedHashMap<>();
  private final ByteBuffer b;

  private GgufLayout(byte[] file) {
    b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    b.position(8);
    long tensorCount = b.getLong();
    long kvCount = b.getLong();
    for (long i = 0; i < kvCount; i++) {
      int keyPos = b.position();
      String key = string();
      int typePos = b.position();
      int type = b.getInt();
      entries.put(key, new Entry(keyPos, typePos, b.position()));
      skipValue(type);
    }
    for (long i = 0; i < tensorCount; i++) {
      int namePos = b.position();
      String name = string();
      int dimsPos = b.position();
      int dims = b.getInt();
      b.position(b.position() + 8 * dims);
      int typePos = b.position();
      b.getInt();
      tensors.put(name, new Info(namePos, dimsPos, typePos, b.position()));
      b.getLong();
    }
  }

  static GgufLayout of(byte[] file) {
    return new GgufLayout(file);
  }

  private String string() {
    int n = (int) b.getLong();
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private void skipValue(int type) {
    switch (type) {
      case 0: case 1: case 7: b.get(); break;
      case 2: case 3: b.getShort(); break;
      case 4: case 5: case 6: b.getInt(); break;
      case 10: case 11: case 12: b.getLong(); break;
      case 8: string(); break;
      case 9: {
        int element = b.getInt();
        long n = b.getLong();
        for (long i = 0; i < n; i++) {
          skipValue(element);
        }
        break;
      }
      default: throw new IllegalStateException("unknown type " + type);
    }
  }

  static void putInt(byte[] file, long pos, int value) {
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt((int) pos, value);
  }

  static void putLong(byte[] file, long pos, long value) {
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong((int) pos, value);
  }
}
