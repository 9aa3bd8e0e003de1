package org.mobiedit.core.internal.format.safetensors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.files.Utf8Text;
import org.mobiedit.core.internal.format.LittleEndianInput;
import org.mobiedit.core.internal.json.JsonSource;
import org.mobiedit.core.internal.json.JsonValue;
import org.mobiedit.spi.DType;

/**
 * The header of one {@code .safetensors} file: an 8-byte little-endian length N, N bytes of JSON
 * ({@code name → {dtype, shape, data_offsets}}, optionally {@code __metadata__: {string: string}}), then the data.
 * Offsets are relative to the end of the header.
 *
 * <p>Every field is checked: the header length against {@link #MAX_HEADER} and the file before anything is read,
 * the JSON for UTF-8 and nesting, each entry's types, its shape's byte size (without overflow) against its
 * offsets, the offsets against the file, and the tensors against each other (no two overlap).
 */
public final class SafetensorsHeader {
  /** One tensor's header entry, with its absolute byte range in the file. */
  public record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

  /** The largest header read; real headers are a few hundred kilobytes even for the largest models. */
  private static final long MAX_HEADER = 100L << 20;
  /** The most dimensions a tensor may have (the safetensors format itself allows any number). */
  private static final int MAX_DIMS = 8;

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
      JsonSource source = new JsonSource(path + " (safetensors header)", MobiEditException.Reason.MODEL_CORRUPT,
          "Download or save the model again.");
      byte[] bytes = in.bytes((int) n, "the header");
      JsonValue root = JsonValue.parse(Utf8Text.decode(bytes, source::problem), source);
      long dataStart = 8 + n;
      long dataSize = in.fileSize() - dataStart;
      List<Entry> entries = new ArrayList<>();
      for (Map.Entry<String, JsonValue> e : root.fields().entrySet()) {
        if (e.getKey().equals("__metadata__")) {
          checkMetadata(e.getValue());
        } else {
          entries.add(entry(path, e.getKey(), e.getValue(), dataStart, dataSize));
        }
      }
      checkNoOverlap(path, entries);
      return new SafetensorsHeader(path, Collections.unmodifiableList(entries), dataStart);
    }
  }

  /** {@code __metadata__} is free text: a map of strings to strings. */
  private static void checkMetadata(JsonValue metadata) {
    for (JsonValue v : metadata.fields().values()) {
      v.string();
    }
  }

  private static Entry entry(Path path, String name, JsonValue value, long dataStart, long dataSize) {
    value.object();
    DType dtype = dtype(path, name, value.field("dtype").string());
    JsonValue shapeValue = value.field("shape");
    List<JsonValue> dims = shapeValue.elements();
    if (dims.size() > MAX_DIMS) {
      throw shapeValue.problem("has " + dims.size() + " dimensions, more than " + MAX_DIMS);
    }
    long[] shape = new long[dims.size()];
    long elements = 1;
    boolean overflow = false;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = dims.get(i).longIn(0, Long.MAX_VALUE);
      long product = elements * shape[i];
      if (shape[i] != 0 && (product / shape[i] != elements || product < 0)) {
        overflow = true;
      }
      elements = product;
    }
    JsonValue offsets = value.field("data_offsets");
    List<JsonValue> pair = offsets.elements();
    if (pair.size() != 2) {
      throw offsets.problem("must be two offsets [begin, end], found " + pair.size() + " values");
    }
    long begin = pair.get(0).longIn(0, Long.MAX_VALUE);
    long end = pair.get(1).longIn(0, Long.MAX_VALUE);
    if (end < begin) {
      throw offsets.problem("must not end (" + end + ") before it begins (" + begin + ")");
    }
    if (end > dataSize) {
      throw corrupt(path, "tensor " + Excerpt.quoted(name) + " ends at byte " + end + " of the data but the file"
          + " holds only " + dataSize + " data bytes: the file is truncated");
    }
    long bytes = overflow || elements > Long.MAX_VALUE / 4 ? -1 : dtype.bytesFor(elements);
    if (bytes != end - begin) {
      throw corrupt(path, "tensor " + Excerpt.quoted(name) + " of shape " + Excerpt.escaped(Arrays.toString(shape))
          + " in " + dtype + " needs " + (bytes < 0 ? "more than 2^63" : String.valueOf(bytes)) + " bytes but its"
          + " offsets span " + (end - begin));
    }
    return new Entry(name, dtype, shape, dataStart + begin, dataStart + end);
  }

  private static DType dtype(Path path, String name, String dtypeName) {
    switch (dtypeName) {
      case "F32":
        return DType.F32;
      case "F16":
        return DType.F16;
      case "BF16":
        return DType.BF16;
      default:
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            path + ": tensor " + Excerpt.quoted(name) + " is stored as " + Excerpt.quoted(dtypeName) + "; supported"
                + " are F32, F16 and BF16. Save the model in one of them (e.g. torch_dtype=bfloat16).");
    }
  }

  /** Two tensors sharing bytes would alias each other's weights; real files never do that. Empty ones share none. */
  private static void checkNoOverlap(Path path, List<Entry> entries) {
    List<Entry> byBegin = new ArrayList<>();
    for (Entry e : entries) {
      if (e.begin() < e.end()) {
        byBegin.add(e);
      }
    }
    byBegin.sort(Comparator.comparingLong(Entry::begin));
    for (int i = 1; i < byBegin.size(); i++) {
      Entry a = byBegin.get(i - 1);
      Entry b = byBegin.get(i);
      if (b.begin() < a.end()) {
        throw corrupt(path, "tensors " + Excerpt.quoted(a.name()) + " and " + Excerpt.quoted(b.name())
            + " overlap in the file");
      }
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
