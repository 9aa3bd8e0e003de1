package org.mobiedit.core.format.gguf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.format.LittleEndianInput;
import org.mobiedit.spi.DType;

/**
 * The header of a GGUF file (versions 2 and 3): metadata, tensor infos and where the data section starts. Reading
 * the header never maps or copies tensor data.
 *
 * <p>Metadata values: integers of any width → {@code Long}; floats → {@code Double}; bool → {@code Boolean};
 * string → {@code String}; arrays of strings → {@code List<String>}, of integers → {@code long[]}, of floats →
 * {@code double[]}, of bools → {@code boolean[]}, nested arrays → {@code List<Object>}.
 */
public final class GgufFile implements AutoCloseable {
  private static final int MAGIC = 0x46554747; // "GGUF" little-endian
  private static final long MAX_COUNT = 1L << 28;

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

  /** Reads the header of a GGUF file. */
  public static GgufFile open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_NOT_FOUND,
          "No such GGUF file: " + path + ". Check the path.");
    }
    try (LittleEndianInput in = new LittleEndianInput(path)) {
      if (in.fileSize() < 4) {
        throw notGguf(path, "it has only " + in.fileSize() + " bytes");
      }
      int magic = in.i32("the magic number");
      if (magic != MAGIC) {
        throw notGguf(path, "it starts with " + describeMagic(magic));
      }
      int version = in.i32("the version");
      if (version == 1) {
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            path + " is GGUF version 1, which is obsolete: convert it again with a current llama.cpp"
                + " (versions 2 and 3 are supported).");
      }
      if (version < 2 || version > 3) {
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            path + " is GGUF version " + version + "; versions 2 and 3 are supported.");
      }
      long tensorCount = in.i64("the tensor count");
      long kvCount = in.i64("the metadata count");
      if (tensorCount < 0 || tensorCount > MAX_COUNT || kvCount < 0 || kvCount > MAX_COUNT) {
        throw corrupt(path, "implausible counts (" + tensorCount + " tensors, " + kvCount + " metadata entries)");
      }
      Map<String, Object> md = new LinkedHashMap<>();
      for (long i = 0; i < kvCount; i++) {
        String key = string(in, "metadata key " + i);
        int type = in.i32("the type of " + key);
        md.put(key, value(in, type, key));
      }
      List<GgufTensorInfo> infos = new ArrayList<>();
      for (long i = 0; i < tensorCount; i++) {
        String name = string(in, "tensor name " + i);
        int dims = in.i32("the dimensions of " + name);
        if (dims < 1 || dims > 4) {
          throw corrupt(path, "tensor " + name + " has " + dims + " dimensions");
        }
        long[] shape = new long[dims];
        for (int d = 0; d < dims; d++) {
          long ne = in.i64("the shape of " + name);
          if (ne < 0) {
            throw corrupt(path, "tensor " + name + " has a negative dimension");
          }
          shape[dims - 1 - d] = ne;
        }
        int ggmlType = in.i32("the type of " + name);
        long offset = in.i64("the offset of " + name);
        infos.add(new GgufTensorInfo(name, shape, dtype(path, name, ggmlType), offset));
      }
      long alignment = md.get("general.alignment") instanceof Long ? (Long) md.get("general.alignment") : 32;
      if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
        throw corrupt(path, "general.alignment is " + alignment + ", not a power of two");
      }
      long dataOffset = (in.position() + alignment - 1) / alignment * alignment;
      return new GgufFile(path, version, Collections.unmodifiableMap(md), List.copyOf(infos), dataOffset,
          in.fileSize());
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

  private static String string(LittleEndianInput in, String what) {
    long n = in.i64("the length of " + what);
    if (n < 0) {
      throw corrupt(in.path(), what + " claims a negative length");
    }
    in.require(n, what);
    return in.utf8(n, what);
  }

  private static Object value(LittleEndianInput in, int type, String key) {
    switch (type) {
      case 0:
        return (long) in.u8(key);
      case 1:
        return (long) (byte) in.u8(key);
      case 2:
        return (long) (in.i16(key) & 0xffff);
      case 3:
        return (long) in.i16(key);
      case 4:
        return in.i32(key) & 0xffffffffL;
      case 5:
        return (long) in.i32(key);
      case 6:
        return (double) Float.intBitsToFloat(in.i32(key));
      case 7:
        return in.u8(key) != 0;
      case 8:
        return string(in, key);
      case 9:
        return array(in, key);
      case 10:
      case 11:
        return in.i64(key);
      case 12:
        return Double.longBitsToDouble(in.i64(key));
      default:
        throw corrupt(in.path(), "metadata " + key + " has unknown value type " + type);
    }
  }

  private static Object array(LittleEndianInput in, String key) {
    int type = in.i32("the element type of " + key);
    long n = in.i64("the length of " + key);
    if (n < 0 || n > in.fileSize()) {
      throw corrupt(in.path(), "array " + key + " claims " + n + " elements");
    }
    int count = (int) n;
    switch (type) {
      case 0: case 1: case 2: case 3: case 4: case 5: case 10: case 11: {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
          out[i] = (Long) value(in, type, key);
        }
        return out;
      }
      case 6: case 12: {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
          out[i] = (Double) value(in, type, key);
        }
        return out;
      }
      case 7: {
        boolean[] out = new boolean[count];
        for (int i = 0; i < count; i++) {
          out[i] = in.u8(key) != 0;
        }
        return out;
      }
      case 8: {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          out.add(string(in, key + "[" + i + "]"));
        }
        return Collections.unmodifiableList(out);
      }
      case 9: {
        List<Object> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          out.add(array(in, key + "[" + i + "]"));
        }
        return Collections.unmodifiableList(out);
      }
      default:
        throw corrupt(in.path(), "array " + key + " has unknown element type " + type);
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
