package org.mobiedit.core.fuzz;

/** Reading and writing little-endian integers in byte arrays, as GGUF, safetensors and patch files store them. */
final class LittleEndian {
  private LittleEndian() {}

  static void put(byte[] b, int at, int width, long v) {
    for (int i = 0; i < width; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  static long get(byte[] b, int at, int width) {
    long v = 0;
    for (int i = 0; i < width; i++) {
      v |= (b[at + i] & 0xffL) << (8 * i);
    }
    return width == 4 ? (int) v : v;
  }

  static byte[] u32(long v) {
    byte[] b = new byte[4];
    put(b, 0, 4, v);
    return b;
  }

  static byte[] u64(long v) {
    byte[] b = new byte[8];
    put(b, 0, 8, v);
    return b;
  }
}
