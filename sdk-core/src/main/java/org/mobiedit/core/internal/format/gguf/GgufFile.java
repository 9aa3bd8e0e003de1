package org.mobiedit.core.internal.format.gguf;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.format.LittleEndianInput;
import org.mobiedit.spi.DType;

/**
 * The header of a GGUF file (versions 2 and 3): metadata, tensor infos and where the data section starts. Reading
 * the header never maps or copies tensor data.
 *
 * <p>Metadata values: integers of any width → {@code Long}; floats → {@code Double}; bool → {@code Boolean};
 * string → {@code String}; arrays of strings → {@code List<String>}, of integers → {@code long[]}, of floats →
 * {@code double[]}, of bools → {@code boolean[]}, nested arrays → {@code List<Object>}.
 *
 * <p>The file is untrusted: every count and length is checked against the bytes the file still has and against the
 * limits below before anything is allocated, and every tensor's extent is checked against the data section (inside
 * the file, aligned, not overlapping another tensor) before {@link #open} returns. A file that fails a check is
 * reported as {@code MODEL_CORRUPT} (or {@code MODEL_UNSUPPORTED}) naming the file and what is wrong.
 */
public final class GgufFile implements AutoCloseable {
  private static final int MAGIC = 0x46554747; // "GGUF" little-endian
  private static final int MAX_SUPPORTED_VERSION = 3;

  /** Most metadata entries a header may have (real files have a few dozen). */
  static final long MAX_METADATA_ENTRIES = 1L << 20;
  /** Most tensors a file may describe (the largest real models have a few thousand). */
  static final long MAX_TENSORS = 1L << 20;
  /** Longest metadata key or tensor name, in bytes. */
  static final long MAX_NAME_BYTES = 1L << 16;
  /** Longest metadata string value, in bytes (an embedded tokenizer.json or chat template stays far below). */
  static final long MAX_VALUE_BYTES = 1L << 26;
  /**
   * Most elements all metadata arrays together may hold (a 256k-token vocabulary with scores, types and merges is
   * about a million). An element is decoded into up to 8 bytes or an object, so this also bounds the memory a
   * header can make the reader allocate.
   */
  static final long MAX_ARRAY_ELEMENTS = 1L << 24;
  /** Deepest nesting of metadata arrays (real files use at most two levels). */
  static final int MAX_ARRAY_DEPTH = 8;
  /** Largest {@code general.alignment} accepted (the default is 32). */
  static final long MAX_ALIGNMENT = 1L << 20;
  /** The most dimensions a ggml tensor has. */
  static final int MAX_DIMS = 4;

  /** Bytes of the smallest possible metadata entry: key length, value type, one byte of value. */
  private static final long MIN_METADATA_ENTRY_BYTES = 8 + 4 + 1;
  /** Bytes of the smallest possible tensor info: name length, n_dims, one dimension, type, offset. */
  private static final long MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

  private final Path path;
  private final int version;
  private final Map<String, Object> metadata;
  private final List<GgufTensorInfo> tensors;
  private final long dataOffset;
  private final long fileSize;

  private GgufFile(Path path, int version, Map<String, Object> metadata, List<GgufTensorInfo> tensors,
      long dataOffset, long fileSize) {
    this.path = path;
    this.version = version;
    this.metadata = metadata;
    this.tensors = tensors;
    this.dataOffset = dataOffset;
    this.fileSize = fileSize;
  }

  /** Reads and checks the header of a GGUF file. */
  public static GgufFile open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_NOT_FOUND,
          "No such GGUF file: " + path + ". Check the path.");
    }
    try (LittleEndianInput in = new LittleEndianInput(path)) {
      return new HeaderReader(in).read();
    }
  }

  /** Reads and checks the header of the GGUF file at {@code [offset, offset + length)} of {@code channel}. */
  public static GgufFile open(Path name, FileChannel channel, long offset, long length) {
    try (LittleEndianInput in = new LittleEndianInput(name, channel, offset, length)) {
      return new HeaderReader(in).read();
    }
  }

  /** One pass over a header; holds what is left of the array-element budget. */
  private static final class HeaderReader {
    private final LittleEndianInput in;
    private final Path path;
    private long arrayElementsLeft = MAX_ARRAY_ELEMENTS;

    HeaderReader(LittleEndianInput in) {
      this.in = in;
      this.path = in.path();
    }

    GgufFile read() {
      if (in.fileSize() < 4) {
        throw notGguf(path, "it has only " + in.fileSize() + " bytes");
      }
      int magic = in.i32("the magic number");
      if (magic != MAGIC) {
        throw notGguf(path, "it starts with " + describeMagic(magic));
      }
      int version = version(in.i32("the version"));
      long tensorCount = in.i64("the tensor count");
      long kvCount = in.i64("the metadata count");
      checkCount(kvCount, "metadata entries", MAX_METADATA_ENTRIES, MIN_METADATA_ENTRY_BYTES);
      checkCount(tensorCount, "tensors", MAX_TENSORS, MIN_TENSOR_INFO_BYTES);
      Map<String, Object> md = new LinkedHashMap<>();
      for (long i = 0; i < kvCount; i++) {
        String key = string("metadata key " + i, MAX_NAME_BYTES);
        String label = Excerpt.quoted(key);
        int type = in.i32("the type of metadata " + label);
        Object value = value(type, label, 0);
        if (md.putIfAbsent(key, value) != null) {
          throw corrupt(path, "metadata " + label + " appears twice");
        }
      }
      long alignment = alignment(md);
      // The counts were checked against the whole file; the tensor infos must fit in what the metadata left.
      checkCount(tensorCount, "tensors", MAX_TENSORS, MIN_TENSOR_INFO_BYTES);
      List<GgufTensorInfo> infos = new ArrayList<>((int) tensorCount);
      Set<String> names = new HashSet<>();
      for (long i = 0; i < tensorCount; i++) {
        GgufTensorInfo info = tensorInfo(i, alignment);
        if (!names.add(info.name())) {
          throw corrupt(path, "tensor " + Excerpt.quoted(info.name()) + " appears twice");
        }
        infos.add(info);
      }
      long dataOffset = (in.position() + alignment - 1) / alignment * alignment;
      checkExtents(infos, dataOffset, in.fileSize());
      return new GgufFile(path, version, Collections.unmodifiableMap(md), List.copyOf(infos), dataOffset,
          in.fileSize());
    }

    private int version(int version) {
      if (version == 1) {
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            path + " is GGUF version 1, which is obsolete: convert it again with a current llama.cpp"
                + " (versions 2 and 3 are supported).");
      }
      if (version >= 2 && version <= MAX_SUPPORTED_VERSION) {
        return version;
      }
      // A big-endian converter writes "GGUF" the same way but the version byte-swapped.
      if (Integer.reverseBytes(version) >= 1 && Integer.reverseBytes(version) <= MAX_SUPPORTED_VERSION) {
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            path + " is a big-endian GGUF file, which this SDK cannot read: use the little-endian file of the"
                + " model (the usual download).");
      }
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          path + " is GGUF version " + (version & 0xffffffffL) + "; versions 2 and 3 are supported. If the file"
              + " was not made by a newer llama.cpp, it is corrupt: download or convert the model again.");
    }

    /** A count read from the header must be non-negative, under its limit, and fit in the bytes left. */
    private void checkCount(long count, String what, long limit, long minBytesEach) {
      if (count < 0 || count > limit) {
        throw corrupt(path, "it claims " + count + " " + what + " (at most " + limit + " are accepted)");
      }
      if (count > in.remaining() / minBytesEach) {
        throw truncated(path, "it claims " + count + " " + what + ", which cannot fit in the " + in.remaining()
            + " bytes left after offset " + in.position());
      }
    }

    private long alignment(Map<String, Object> md) {
      Object value = md.get("general.alignment");
      if (value == null) {
        return 32;
      }
      if (!(value instanceof Long)) {
        throw corrupt(path, "general.alignment is " + GgufMetadata.describe(value) + ", not an integer");
      }
      long alignment = (Long) value;
      if (alignment <= 0 || (alignment & (alignment - 1)) != 0 || alignment > MAX_ALIGNMENT) {
        throw corrupt(path, "general.alignment is " + alignment + ", not a power of two up to " + MAX_ALIGNMENT);
      }
      return alignment;
    }

    private GgufTensorInfo tensorInfo(long index, long alignment) {
      String name = string("tensor name " + index, MAX_NAME_BYTES);
      String label = Excerpt.quoted(name);
      int dims = in.i32("the dimensions of tensor " + label);
      if (dims < 1 || dims > MAX_DIMS) {
        throw corrupt(path, "tensor " + label + " has " + dims + " dimensions (1 to " + MAX_DIMS + " are valid)");
      }
      long[] shape = new long[dims];
      long elements = 1;
      for (int d = 0; d < dims; d++) {
        long ne = in.i64("the shape of tensor " + label);
        if (ne < 0) {
          throw corrupt(path, "tensor " + label + " has a negative dimension (" + ne + ")");
        }
        shape[dims - 1 - d] = ne;
        elements = multiply(elements, ne, label);
      }
      int ggmlType = in.i32("the type of tensor " + label);
      DType type = dtype(path, label, ggmlType);
      long offset = in.i64("the offset of tensor " + label);
      long rowElements = shape[dims - 1];
      if (rowElements % type.blockSize() != 0) {
        throw corrupt(path, "tensor " + label + " has rows of " + rowElements + " elements, which is not a multiple"
            + " of the " + type + " block of " + type.blockSize());
      }
      multiply(elements / type.blockSize(), type.blockBytes(), label);
      if (offset < 0 || offset % alignment != 0) {
        throw corrupt(path, "tensor " + label + " has offset " + offset + ", which is not a non-negative multiple"
            + " of the alignment " + alignment);
      }
      return new GgufTensorInfo(name, shape, type, offset);
    }

    private long multiply(long a, long b, String label) {
      try {
        return Math.multiplyExact(a, b);
      } catch (ArithmeticException e) {
        throw corrupt(path, "tensor " + label + " has a shape whose size overflows 64 bits");
      }
    }

    /** Every tensor lies inside the data section and no two tensors share bytes. */
    private void checkExtents(List<GgufTensorInfo> infos, long dataOffset, long fileSize) {
      if (infos.isEmpty()) {
        return;
      }
      long dataBytes = fileSize - dataOffset;
      if (dataBytes < 0) {
        throw truncated(path, "the data section starts at " + dataOffset + " but the file has " + fileSize
            + " bytes");
      }
      for (GgufTensorInfo t : infos) {
        long bytes = t.bytes();
        if (t.offset() > dataBytes || bytes > dataBytes - t.offset()) {
          throw truncated(path, "tensor " + Excerpt.quoted(t.name()) + " needs bytes " + t.offset() + " to "
              + (t.offset() + bytes) + " of the data section, which has " + dataBytes + " bytes");
        }
      }
      List<GgufTensorInfo> byOffset = new ArrayList<>(infos);
      byOffset.sort(Comparator.comparingLong(GgufTensorInfo::offset));
      GgufTensorInfo previous = null;
      for (GgufTensorInfo t : byOffset) {
        if (t.bytes() == 0) {
          continue;
        }
        if (previous != null && t.offset() < previous.offset() + previous.bytes()) {
          throw corrupt(path, "tensors " + Excerpt.quoted(previous.name()) + " and " + Excerpt.quoted(t.name())
              + " overlap (bytes " + previous.offset() + " to " + (previous.offset() + previous.bytes())
              + " and from " + t.offset() + ")");
        }
        previous = t;
      }
    }

    private String string(String what, long maxBytes) {
      long n = in.i64("the length of " + what);
      if (n < 0) {
        throw corrupt(path, what + " claims a negative length (" + n + ")");
      }
      if (n > maxBytes) {
        throw corrupt(path, what + " claims a length of " + n + " bytes (at most " + maxBytes + " are accepted)");
      }
      in.require(n, what);
      return in.utf8(n, what);
    }

    private Object value(int type, String label, int depth) {
      switch (type) {
        case 0:
          return (long) in.u8(label);
        case 1:
          return (long) (byte) in.u8(label);
        case 2:
          return (long) (in.i16(label) & 0xffff);
        case 3:
          return (long) in.i16(label);
        case 4:
          return in.i32(label) & 0xffffffffL;
        case 5:
          return (long) in.i32(label);
        case 6:
          return (double) Float.intBitsToFloat(in.i32(label));
        case 7:
          return in.u8(label) != 0;
        case 8:
          return string("metadata " + label, MAX_VALUE_BYTES);
        case 9:
          return array(label, depth + 1);
        case 10:
        case 11:
          return in.i64(label);
        case 12:
          return Double.longBitsToDouble(in.i64(label));
        default:
          throw corrupt(path, "metadata " + label + " has unknown value type " + type);
      }
    }

    private Object array(String label, int depth) {
      if (depth > MAX_ARRAY_DEPTH) {
        throw corrupt(path, "metadata " + label + " nests arrays more than " + MAX_ARRAY_DEPTH + " levels deep");
      }
      int type = in.i32("the element type of " + label);
      long minBytes = encodedBytes(type, label);
      long n = in.i64("the length of " + label);
      if (n < 0 || n > in.remaining() / minBytes) {
        throw corrupt(path, "array " + label + " claims " + n + " elements, but only " + in.remaining()
            + " bytes remain after offset " + in.position() + " (each element takes at least " + minBytes + ")");
      }
      if (n > arrayElementsLeft) {
        throw corrupt(path, "array " + label + " claims " + n + " elements, more than the " + MAX_ARRAY_ELEMENTS
            + " all metadata arrays of a file may hold together");
      }
      arrayElementsLeft -= n;
      int count = (int) n; // n <= MAX_ARRAY_ELEMENTS < 2^31
      switch (type) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 10: case 11: {
          long[] out = new long[count];
          for (int i = 0; i < count; i++) {
            out[i] = (Long) value(type, label, depth);
          }
          return out;
        }
        case 6: case 12: {
          double[] out = new double[count];
          for (int i = 0; i < count; i++) {
            out[i] = (Double) value(type, label, depth);
          }
          return out;
        }
        case 7: {
          boolean[] out = new boolean[count];
          for (int i = 0; i < count; i++) {
            out[i] = in.u8(label) != 0;
          }
          return out;
        }
        case 8: {
          List<String> out = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            out.add(string("element " + i + " of " + label, MAX_VALUE_BYTES));
          }
          return Collections.unmodifiableList(out);
        }
        default: { // 9, checked by encodedBytes
          List<Object> out = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            out.add(array(label + "[" + i + "]", depth + 1));
          }
          return Collections.unmodifiableList(out);
        }
      }
    }

    /** The fewest bytes one element of an array of {@code type} takes in the file. */
    private long encodedBytes(int type, String label) {
      switch (type) {
        case 0: case 1: case 7:
          return 1;
        case 2: case 3:
          return 2;
        case 4: case 5: case 6:
          return 4;
        case 10: case 11: case 12:
          return 8;
        case 8:
          return 8; // the length of an empty string
        case 9:
          return 4 + 8; // the element type and length of an empty array
        default:
          throw corrupt(path, "array " + label + " has unknown element type " + type);
      }
    }
  }

  private static String describeMagic(int magic) {
    byte[] b = {(byte) magic, (byte) (magic >> 8), (byte) (magic >> 16), (byte) (magic >> 24)};
    StringBuilder sb = new StringBuilder("bytes");
    for (byte x : b) {
      sb.append(String.format(" %02x", x & 0xff));
    }
    String text = new String(b, StandardCharsets.ISO_8859_1);
    if (text.chars().allMatch(c -> c >= 32 && c < 127)) {
      sb.append(" (\"").append(text).append("\")");
    }
    return sb.toString();
  }

  private static MobiEditException notGguf(Path path, String why) {
    return new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
        path + " is not a GGUF file: " + why + " instead of \"GGUF\". Give a .gguf model file, or a Hugging Face"
            + " model folder.");
  }

  private static MobiEditException corrupt(Path path, String why) {
    return new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
        path + " has a corrupt GGUF header: " + why + ". Download or convert the model again.");
  }

  private static MobiEditException truncated(Path path, String why) {
    return new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
        path + " is truncated or corrupt: " + why + ". Download or convert the model again.");
  }

  private static DType dtype(Path path, String tensor, int ggmlType) {
    switch (ggmlType) {
      case 0:
        return DType.F32;
      case 1:
        return DType.F16;
      case 2:
        return DType.Q4_0;
      case 8:
        return DType.Q8_0;
      case 12:
        return DType.Q4_K;
      case 14:
        return DType.Q6_K;
      case 30:
        return DType.BF16;
      default:
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            path + ": tensor " + tensor + " uses ggml type " + ggmlType + ", which this SDK cannot read."
                + " Supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K (re-quantize with llama.cpp, e.g. to Q8_0).");
    }
  }

  public Path path() {
    return path;
  }

  public int version() {
    return version;
  }

  public Map<String, Object> metadata() {
    return metadata;
  }

  public List<GgufTensorInfo> tensors() {
    return tensors;
  }

  /** Absolute offset of the data section. */
  public long dataOffset() {
    return dataOffset;
  }

  public long fileSize() {
    return fileSize;
  }

  /** Nothing stays open after {@link #open}; present so callers can use try-with-resources uniformly. */
  @Override
  public void close() {}
}
