package org.mobiedit.core.format.safetensors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.format.LittleEndianInput;
import org.mobiedit.spi.DType;

/**
 * The header of one {@code .safetensors} file: an 8-byte little-endian length N, N bytes of JSON
 * ({@code name → {dtype, shape, data_offsets}}), then the data. Offsets are relative to the end of the header.
 */
public final class SafetensorsHeader {
  /** One tensor's header entry, with its absolute byte range in the file. */
  public record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

  private static final long MAX_HEADER = 100L << 20;

  private final Path path;
  private final List<Entry> entries;
  private final long dataStart;

  private SafetensorsHeader(Path path, List<Entry> entries, long dataStart) {
    this.path = path;
    this.entries = entries;
    this.dataStart = dataStart;
  }

  public static SafetensorsHeader read(Path path) {
    try (LittleEndianInput in = new LittleEndianInput(path)) {
      if (in.fileSize() < 8) {
        throw corrupt(path, "the file has only " + in.fileSize() + " bytes, too few for a header");
      }
      long n = in.i64("the header length");
      if (n <= 1 || n > MAX_HEADER) {
        throw corrupt(path, "the header length field says " + n + " bytes (the file does not start like a"
            + " safetensors file)");
      }
      if (8 + n > in.fileSize()) {
        throw corrupt(path, "the header needs " + n + " bytes but the file has only " + (in.fileSize() - 8)
            + " after the length: the file is truncated");
      }
      String json = new String(in.bytes((int) n, "the header"), StandardCharsets.UTF_8);
      JsonObject root;
      try {
        root = org.mobiedit.core.json.StrictJson.parse(json).getAsJsonObject();
      } catch (JsonParseException | IllegalStateException e) {
        throw corrupt(path, "the header is not valid JSON (" + e.getMessage() + ")");
      }
      long dataStart = 8 + n;
      long dataSize = in.fileSize() - dataStart;
      List<Entry> entries = new ArrayList<>();
      for (Map.Entry<String, JsonElement> e : root.entrySet()) {
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        entries.add(entry(path, e.getKey(), e.getValue(), dataStart, dataSize));
      }
      return new SafetensorsHeader(path, entries, dataStart);
    }
  }

  private static Entry entry(Path path, String name, JsonElement value, long dataStart, long dataSize) {
    try {
      JsonObject o = value.getAsJsonObject();
      String dtypeName = o.get("dtype").getAsString();
      DType dtype;
      switch (dtypeName) {
        case "F32":
          dtype = DType.F32;
          break;
        case "F16":
          dtype = DType.F16;
          break;
        case "BF16":
          dtype = DType.BF16;
          break;
        default:
          throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
              path + ": tensor " + name + " is stored as " + dtypeName + "; supported are F32, F16 and BF16."
                  + " Save the model in one of them (e.g. torch_dtype=bfloat16).");
      }
      long[] shape = new long[o.getAsJsonArray("shape").size()];
      long elements = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = o.getAsJsonArray("shape").get(i).getAsLong();
        if (shape[i] < 0) {
          throw corrupt(path, "tensor " + name + " has a negative dimension");
        }
        elements *= shape[i];
      }
      long begin = o.getAsJsonArray("data_offsets").get(0).getAsLong();
      long end = o.getAsJsonArray("data_offsets").get(1).getAsLong();
      if (begin < 0 || end < begin) {
        throw corrupt(path, "tensor " + name + " has data offsets " + begin + ".." + end);
      }
      if (end > dataSize) {
        throw corrupt(path, "tensor " + name + " ends at byte " + end + " of the data but the file holds only "
            + dataSize + " data bytes: the file is truncated");
      }
      if (end - begin != dtype.bytesFor(elements)) {
        throw corrupt(path, "tensor " + name + " of shape " + Arrays.toString(shape) + " in " + dtype + " needs "
            + dtype.bytesFor(elements) + " bytes but its offsets span " + (end - begin));
      }
      return new Entry(name, dtype, shape, dataStart + begin, dataStart + end);
    } catch (IllegalStateException | NullPointerException | UnsupportedOperationException
        | IndexOutOfBoundsException | NumberFormatException e) {
      throw corrupt(path, "the header entry of tensor " + name + " is malformed (" + e + ")");
    }
  }

  static MobiEditException corrupt(Path path, String why) {
    return new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
        path + " is not a valid safetensors file: " + why + ". Download or save the model again.");
  }

  public Path path() {
    return path;
  }

  public List<Entry> entries() {
    return entries;
  }

  public long dataStart() {
    return dataStart;
  }

  /** Entries by name. */
  public Map<String, Entry> byName() {
    Map<String, Entry> m = new LinkedHashMap<>();
    for (Entry e : entries) {
      m.put(e.name(), e);
    }
    return m;
  }
}
