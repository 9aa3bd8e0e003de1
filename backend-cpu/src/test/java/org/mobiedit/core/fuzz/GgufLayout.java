package org.mobiedit.core.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where the fields of a (valid) GGUF header are: the fuzzer's own small walker, independent of the SDK's reader, so
 * that structure-aware mutations can aim at length fields, counts, dimensions, offsets and types. Seeds are real
 * files and parse; the walker is never run on mutated bytes.
 */
final class GgufLayout {
  /** What a field holds. */
  enum Kind {
    VERSION, TENSOR_COUNT, KV_COUNT, KEY_LENGTH, VALUE_TYPE, ARRAY_TYPE, ARRAY_COUNT, STRING_LENGTH, INT_VALUE,
    FLOAT_VALUE, NAME_LENGTH, N_DIMS, DIM, TENSOR_TYPE, TENSOR_OFFSET
  }

  /** A little-endian integer field of 1, 2, 4 or 8 bytes. */
  record Field(int offset, int width, Kind kind, String what) {}

  /**
   * One metadata entry: its key and its byte range (key length field to the end of its value).
   *
   * @param valueStart where its value type field starts
   */
  record Entry(String key, int start, int valueStart, int end) {}

  /** One tensor info's byte range. */
  record TensorInfo(String name, int start, int end) {}

  final byte[] bytes;
  final Map<Kind, List<Field>> fields = new EnumMap<>(Kind.class);
  final List<Entry> entries = new ArrayList<>();
  final List<TensorInfo> tensors = new ArrayList<>();
  /** Where the tensor infos start (the end of the metadata). */
  int metadataEnd;
  /** Where the tensor infos end. */
  int headerEnd;
  long alignment = 32;
  /** Where the data section starts. */
  int dataStart;

  private int pos;

  private GgufLayout(byte[] bytes) {
    this.bytes = bytes;
  }

  static GgufLayout parse(byte[] bytes) {
    GgufLayout l = new GgufLayout(bytes);
    l.walk();
    return l;
  }

  private void walk() {
    pos = 4;
    field(4, Kind.VERSION, "version");
    long tensorCount = field(8, Kind.TENSOR_COUNT, "tensor count");
    long kvCount = field(8, Kind.KV_COUNT, "metadata count");
    for (long i = 0; i < kvCount; i++) {
      int start = pos;
      String key = string(Kind.KEY_LENGTH, "key " + i);
      int valueStart = pos;
      int type = (int) field(4, Kind.VALUE_TYPE, key);
      long v = value(type, key);
      if (key.equals("general.alignment")) {
        alignment = v;
      }
      entries.add(new Entry(key, start, valueStart, pos));
    }
    metadataEnd = pos;
    for (long i = 0; i < tensorCount; i++) {
      int start = pos;
      String name = string(Kind.NAME_LENGTH, "tensor " + i);
      long dims = field(4, Kind.N_DIMS, name);
      for (int d = 0; d < dims; d++) {
        field(8, Kind.DIM, name + " dim " + d);
      }
      field(4, Kind.TENSOR_TYPE, name);
      field(8, Kind.TENSOR_OFFSET, name);
      tensors.add(new TensorInfo(name, start, pos));
    }
    headerEnd = pos;
    dataStart = (int) Math.min(bytes.length, (pos + alignment - 1) / alignment * alignment);
  }

  /** Reads a scalar value (returned as a long where it is an integer) or walks an array. */
  private long value(int type, String key) {
    switch (type) {
      case 0: case 1: case 7:
        return field(1, Kind.INT_VALUE, key);
      case 2: case 3:
        return field(2, Kind.INT_VALUE, key);
      case 4: case 5:
        return field(4, Kind.INT_VALUE, key);
      case 6:
        return field(4, Kind.FLOAT_VALUE, key);
      case 10: case 11:
        return field(8, Kind.INT_VALUE, key);
      case 12:
        return field(8, Kind.FLOAT_VALUE, key);
      case 8:
        string(Kind.STRING_LENGTH, key);
        return 0;
      case 9: {
        int elementType = (int) field(4, Kind.ARRAY_TYPE, key);
        long n = field(8, Kind.ARRAY_COUNT, key);
        for (long i = 0; i < n; i++) {
          value(elementType, key);
        }
        return 0;
      }
      default:
        throw new IllegalArgumentException("seed is not a GGUF file this walker knows: value type " + type);
    }
  }

  private String string(Kind kind, String what) {
    long n = field(8, kind, what);
    String s = new String(bytes, pos, (int) n, StandardCharsets.UTF_8);
    pos += (int) n;
    return s;
  }

  private long field(int width, Kind kind, String what) {
    fields.computeIfAbsent(kind, k -> new ArrayList<>()).add(new Field(pos, width, kind, what));
    long v = LittleEndian.get(bytes, pos, width);
    pos += width;
    return width == 4 ? v & 0xffffffffL : v;
  }

  /** The string value of a metadata entry of type string, or null. */
  String stringValue(String key) {
    for (Entry e : entries) {
      if (e.key().equals(key) && LittleEndian.get(bytes, e.valueStart(), 4) == 8) {
        int n = (int) LittleEndian.get(bytes, e.valueStart() + 4, 8);
        return new String(bytes, e.valueStart() + 12, n, StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /**
   * The file with header bytes {@code [from, to)} replaced, the metadata and tensor counts changed by the deltas,
   * and the data section moved to the next aligned offset after the new header, so that the tensors' offsets
   * (relative to the data section) still point at their data.
   */
  byte[] rebuild(int from, int to, byte[] replacement, long kvDelta, long tensorDelta) {
    int newHeaderEnd = headerEnd - (to - from) + replacement.length;
    long newDataStart = (newHeaderEnd + alignment - 1) / alignment * alignment;
    int tail = bytes.length - dataStart;
    byte[] out = new byte[(int) newDataStart + tail];
    System.arraycopy(bytes, 0, out, 0, from);
    System.arraycopy(replacement, 0, out, from, replacement.length);
    System.arraycopy(bytes, to, out, from + replacement.length, headerEnd - to);
    System.arraycopy(bytes, dataStart, out, (int) newDataStart, tail);
    LittleEndian.put(out, 8, 8, LittleEndian.get(bytes, 8, 8) + tensorDelta);
    LittleEndian.put(out, 16, 8, LittleEndian.get(bytes, 16, 8) + kvDelta);
    return out;
  }
}
