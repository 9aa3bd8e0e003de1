package org.mobiedit.core.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Where the fields of a (valid) MobiEdit patch file are (layout in {@code EditPatch}): magic, version, the
 * fingerprint, the edit count, and per edit four strings, the layer and two float vectors (and the key's, from
 * version 2 on); the last four bytes are a CRC-32 of everything before them.
 */
final class PatchLayout {
  /** What an int field holds. */
  enum Kind { VERSION, STRING_LENGTH, COUNT, LAYER, VECTOR_LENGTH }

  record Field(int offset, Kind kind, String what) {}

  /**
   * One edit's byte range, and its two vectors' float ranges.
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
    boolean keys = l.field(Kind.VERSION, "version") >= 2;
    l.string("fingerprint");
    l.countOffset = l.pos;
    int count = l.field(Kind.COUNT, "edit count");
    for (int i = 0; i < count; i++) {
      int start = l.pos;
      for (String s : new String[] {"name", "subject", "prompt", "new object"}) {
        l.string(s + " of edit " + i);
      }
      l.field(Kind.LAYER, "layer of edit " + i);
      int leftCount = l.field(Kind.VECTOR_LENGTH, "left of edit " + i);
      int leftFloats = l.pos;
      l.pos += 4 * leftCount;
      int rightCount = l.field(Kind.VECTOR_LENGTH, "right of edit " + i);
      int rightFloats = l.pos;
      l.pos += 4 * rightCount;
      if (keys) {
        int keyCount = l.field(Kind.VECTOR_LENGTH, "key of edit " + i);
        l.pos += 4 * keyCount;
      }
      l.edits.add(new Edit(start, l.pos, start, leftFloats, leftCount, rightFloats, rightCount));
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
