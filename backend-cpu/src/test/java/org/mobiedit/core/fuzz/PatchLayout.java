package org.mobiedit.core.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Where the fields of a (valid) MobiEdit patch file are (layout in {@code EditPatch}): magic, version, the
 * fingerprint, the edit count, and per edit four strings, then (from version 3 on) an update count and per update
 * the layer and two float vectors (and the key's, from version 2 on; versions 1 and 2 have one update and no count),
 * then (from version 4 on) the activation grid's bits and, when not 0, the scales; the last four bytes are a CRC-32
 * of everything before them.
 */
final class PatchLayout {
  /** What an int field holds. */
  enum Kind { VERSION, STRING_LENGTH, COUNT, LAYER, VECTOR_LENGTH }

  record Field(int offset, Kind kind, String what) {}

  /**
   * One edit's byte range, and the float ranges of its first update's two vectors.
   *
   * @param nameStart where its name's length field is
   */
  record Edit(int start, int end, int nameStart, int leftFloats, int leftCount, int rightFloats, int rightCount) {}

  final byte[] bytes;
  final List<Field> fields = new ArrayList<>();
  final List<Edit> edits = new ArrayList<>();
  int countOffset;
  private int pos;

  private PatchLayout(byte[] bytes) {
    this.bytes = bytes;
  }

  static PatchLayout parse(byte[] bytes) {
    PatchLayout l = new PatchLayout(bytes);
    l.pos = 4;
    int version = l.field(Kind.VERSION, "version");
    boolean keys = version >= 2;
    l.string("fingerprint");
    l.countOffset = l.pos;
    int count = l.field(Kind.COUNT, "edit count");
    for (int i = 0; i < count; i++) {
      int start = l.pos;
      for (String s : new String[] {"name", "subject", "prompt", "new object"}) {
        l.string(s + " of edit " + i);
      }
      int updates = version >= 3 ? l.field(Kind.COUNT, "update count of edit " + i) : 1;
      int[] first = null;
      for (int u = 0; u < updates; u++) {
        String of = " of edit " + i + (updates == 1 ? "" : " update " + u);
        l.field(Kind.LAYER, "layer" + of);
        int leftCount = l.field(Kind.VECTOR_LENGTH, "left" + of);
        int leftFloats = l.pos;
        l.pos += 4 * leftCount;
        int rightCount = l.field(Kind.VECTOR_LENGTH, "right" + of);
        int rightFloats = l.pos;
        l.pos += 4 * rightCount;
        if (keys) {
          int keyCount = l.field(Kind.VECTOR_LENGTH, "key" + of);
          l.pos += 4 * keyCount;
        }
        if (first == null) {
          first = new int[] {leftFloats, leftCount, rightFloats, rightCount};
        }
      }
      if (version >= 4) {
        int grid = l.field(Kind.COUNT, "activation grid of edit " + i);
        if (grid != 0) {
          int scales = l.field(Kind.VECTOR_LENGTH, "activation scales of edit " + i);
          l.pos += 4 * scales;
        }
      }
      l.edits.add(new Edit(start, l.pos, start, first[0], first[1], first[2], first[3]));
    }
    return l;
  }

  private void string(String what) {
    int n = field(Kind.STRING_LENGTH, what);
    pos += n;
  }

  private int field(Kind kind, String what) {
    fields.add(new Field(pos, kind, what));
    int v = (int) LittleEndian.get(bytes, pos, 4);
    pos += 4;
    return v;
  }

  /** Sets the last four bytes to the CRC-32 of the bytes before them, as a valid file has. */
  static byte[] withCrc(byte[] b) {
    if (b.length < 4) {
      return b;
    }
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 4);
    LittleEndian.put(b, b.length - 4, 4, crc.getValue());
    return b;
  }
}
