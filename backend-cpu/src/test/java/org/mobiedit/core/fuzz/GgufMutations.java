package org.mobiedit.core.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Structure-aware mutations of a GGUF file: fields set to interesting values (counts, lengths, n_dims, dims,
 * offsets, types, the version, integer metadata such as {@code block_count}), metadata values replaced (deeply nested
 * arrays, arrays of arrays, empty arrays, values of another type), entries removed, duplicated or added (an
 * alignment, a head count, a vocabulary), tensor infos removed, duplicated or renamed; plus the format-blind byte
 * mutations aimed at the header.
 */
final class GgufMutations {
  private static final GgufLayout.Kind[] STRUCTURAL = {
    GgufLayout.Kind.VERSION, GgufLayout.Kind.TENSOR_COUNT, GgufLayout.Kind.KV_COUNT, GgufLayout.Kind.KEY_LENGTH,
    GgufLayout.Kind.VALUE_TYPE, GgufLayout.Kind.ARRAY_TYPE, GgufLayout.Kind.ARRAY_COUNT,
    GgufLayout.Kind.STRING_LENGTH, GgufLayout.Kind.INT_VALUE, GgufLayout.Kind.FLOAT_VALUE,
    GgufLayout.Kind.NAME_LENGTH, GgufLayout.Kind.N_DIMS, GgufLayout.Kind.DIM, GgufLayout.Kind.TENSOR_TYPE,
    GgufLayout.Kind.TENSOR_OFFSET
  };

  private GgufMutations() {}

  static byte[] mutate(GgufLayout seed, byte @Nullable [] other, SplittableRandom r, StringBuilder log) {
    int op = r.nextInt(100);
    if (op < 8) {
      return dictionary(seed, r, log);
    }
    if (op < 40) {
      return setField(seed, r, log);
    }
    if (op < 55) {
      return replaceValue(seed, r, log);
    }
    if (op < 67) {
      return changeEntries(seed, r, log);
    }
    if (op < 75 && !seed.tensors.isEmpty()) {
      return changeTensors(seed, r, log);
    }
    return ByteMutations.mutate(seed.bytes, seed.headerEnd, other, r, log);
  }

  private static byte[] setField(GgufLayout seed, SplittableRandom r, StringBuilder log) {
    List<GgufLayout.Kind> present = new ArrayList<>();
    for (GgufLayout.Kind k : STRUCTURAL) {
      if (seed.fields.containsKey(k)) {
        present.add(k);
      }
    }
    GgufLayout.Kind kind = present.get(r.nextInt(present.size()));
    List<GgufLayout.Field> of = seed.fields.get(kind);
    GgufLayout.Field f = of.get(r.nextInt(of.size()));
    long old = LittleEndian.get(seed.bytes, f.offset(), f.width());
    long v;
    switch (kind) {
      case N_DIMS:
        v = new long[] {0, 1, 2, 3, 4, 5, old + 1, old - 1, Integer.MAX_VALUE, -1}[r.nextInt(10)];
        break;
      case VALUE_TYPE:
      case ARRAY_TYPE:
      case TENSOR_TYPE:
        v = r.nextInt(4) == 0 ? Interesting.integer(r, seed.bytes.length) : r.nextInt(r.nextBoolean() ? 14 : 40);
        break;
      case VERSION:
        v = new long[] {0, 1, 2, 3, 4, -1}[r.nextInt(6)];
        break;
      default:
        v = Interesting.near(old, r, seed.bytes.length);
    }
    log.append(" ").append(kind).append(" of ").append(f.what()).append(" at ").append(f.offset()).append(": ")
        .append(old).append(" -> ").append(v).append(';');
    byte[] b = seed.bytes.clone();
    LittleEndian.put(b, f.offset(), f.width(), v);
    return b;
  }

  /**
   * Changes known to break GGUF loaders, tried directly because random mutation rarely lands on them: a tensor's
   * n_dims one higher (the rest of the header is then read one field off), or a size in the metadata (block count,
   * head counts, lengths, token ids, alignment) set to 0, -1, 2^31-1 or beyond.
   */
  private static byte[] dictionary(GgufLayout seed, SplittableRandom r, StringBuilder log) {
    List<GgufLayout.Field> dims = seed.fields.get(GgufLayout.Kind.N_DIMS);
    byte[] b = seed.bytes.clone();
    if (dims != null && r.nextInt(3) == 0) {
      GgufLayout.Field f = dims.get(r.nextInt(dims.size()));
      long old = LittleEndian.get(b, f.offset(), 4);
      LittleEndian.put(b, f.offset(), 4, old + 1);
      log.append(" n_dims of ").append(f.what()).append(": ").append(old).append(" -> ").append(old + 1)
          .append(" (dictionary);");
      return b;
    }
    String arch = seed.stringValue("general.architecture");
    String prefix = arch == null ? "llama" : arch;
    List<String> keys = List.of(prefix + ".block_count", prefix + ".attention.head_count",
        prefix + ".attention.head_count_kv", prefix + ".context_length", prefix + ".embedding_length",
        prefix + ".feed_forward_length", prefix + ".vocab_size", prefix + ".rope.dimension_count",
        prefix + ".attention.key_length", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
        "general.alignment");
    List<GgufLayout.Entry> sizes = new ArrayList<>();
    for (GgufLayout.Entry e : seed.entries) {
      int type = (int) LittleEndian.get(b, e.valueStart(), 4);
      if (keys.contains(e.key()) && (type == GgufBytes.U32 || type == GgufBytes.I32 || type == GgufBytes.U64
          || type == 11)) {
        sizes.add(e);
      }
    }
    if (sizes.isEmpty()) {
      return setField(seed, r, log);
    }
    GgufLayout.Entry e = sizes.get(r.nextInt(sizes.size()));
    int width = e.end() - e.valueStart() - 4;
    long v = new long[] {0, -1, 3, Integer.MAX_VALUE, 1L << 31, (1L << 32) + 5, 1_000_000}[r.nextInt(7)];
    LittleEndian.put(b, e.valueStart() + 4, width, v);
    log.append(' ').append(e.key()).append(" := ").append(v).append(" (").append(width * 8)
        .append("-bit, dictionary);");
    return b;
  }

  private static byte[] replaceValue(GgufLayout seed, SplittableRandom r, StringBuilder log) {
    GgufLayout.Entry e = pickEntry(seed, r);
    byte[] value = newValue(seed, e, r, log);
    log.append(" value of ").append(e.key()).append(" replaced;");
    return seed.rebuild(e.valueStart(), e.end(), value, 0, 0);
  }

  /** A type field followed by a value. */
  private static byte[] newValue(GgufLayout seed, GgufLayout.Entry e, SplittableRandom r, StringBuilder log) {
    int oldType = (int) LittleEndian.get(seed.bytes, e.valueStart(), 4);
    long oldCount = oldType == GgufBytes.ARRAY ? LittleEndian.get(seed.bytes, e.valueStart() + 8, 8) : 1;
    GgufBytes b = new GgufBytes();
    switch (r.nextInt(8)) {
      case 0: {
        int depth = new int[] {10, 1_000, 5_000, 100_000}[r.nextInt(4)];
        log.append(" arrays nested ").append(depth).append(" deep");
        b.u32(GgufBytes.ARRAY); // the value's type; then per level: element type "array", one element
        for (int i = 0; i < depth; i++) {
          b.u32(GgufBytes.ARRAY).u64(1);
        }
        return b.u32(GgufBytes.U32).u64(0).toBytes(); // the innermost: an empty array of u32
      }
      case 1: {
        long n = Math.max(1, Math.min(oldCount, 60_000));
        log.append(" an array of ").append(n).append(" arrays of one string");
        b.u32(GgufBytes.ARRAY).u32(GgufBytes.ARRAY).u64(n);
        for (long i = 0; i < n; i++) {
          b.u32(GgufBytes.STRING).u64(1).string("t" + i);
        }
        return b.toBytes();
      }
      case 2: {
        int elementType = oldType == GgufBytes.ARRAY ? (int) LittleEndian.get(seed.bytes, e.valueStart() + 4, 4)
            : GgufBytes.STRING;
        log.append(" an empty array of type ").append(elementType);
        return b.u32(GgufBytes.ARRAY).u32(elementType).u64(0).toBytes();
      }
      case 3: {
        String s = new String[] {"", "x", "llama", "gpt2", "qwen2", "bert", "\u0000", "linear"}[r.nextInt(8)];
        log.append(" the string \"").append(s).append('"');
        return b.u32(GgufBytes.STRING).string(s).toBytes();
      }
      case 4: {
        long v = Interesting.integer(r, seed.bytes.length);
        int type = new int[] {GgufBytes.U32, GgufBytes.I32, GgufBytes.U64}[r.nextInt(3)];
        log.append(" the integer ").append(v).append(" of type ").append(type);
        b.u32(type);
        return (type == GgufBytes.U64 ? b.u64(v) : b.u32(v)).toBytes();
      }
      case 5: {
        float f = Interesting.floating(r);
        log.append(" the float ").append(f);
        return b.u32(GgufBytes.F32).u32(Float.floatToRawIntBits(f)).toBytes();
      }
      case 6: {
        long n = Math.max(1, Math.min(oldCount, 60_000));
        long v = Interesting.integer(r, seed.bytes.length);
        log.append(" an array of ").append(n).append(" int32 ").append(v);
        b.u32(GgufBytes.ARRAY).u32(GgufBytes.I32).u64(n);
        for (long i = 0; i < n; i++) {
          b.u32(v);
        }
        return b.toBytes();
      }
      default: {
        int n = r.nextInt(4);
        log.append(" an array of ").append(n).append(" strings");
        b.u32(GgufBytes.ARRAY).u32(GgufBytes.STRING).u64(n);
        for (int i = 0; i < n; i++) {
          b.string(i == 0 ? "<s>" : "a");
        }
        return b.toBytes();
      }
    }
  }

  private static byte[] changeEntries(GgufLayout seed, SplittableRandom r, StringBuilder log) {
    int op = r.nextInt(3);
    if (op == 0 && !seed.entries.isEmpty()) {
      GgufLayout.Entry e = pickEntry(seed, r);
      log.append(" metadata ").append(e.key()).append(" removed;");
      return seed.rebuild(e.start(), e.end(), new byte[0], -1, 0);
    }
    if (op == 1 && !seed.entries.isEmpty()) {
      GgufLayout.Entry e = pickEntry(seed, r);
      log.append(" metadata ").append(e.key()).append(" duplicated;");
      return seed.rebuild(seed.metadataEnd, seed.metadataEnd,
          Arrays.copyOfRange(seed.bytes, e.start(), e.end()), 1, 0);
    }
    String arch = seed.stringValue("general.architecture");
    String prefix = arch == null ? "llama" : arch;
    String[] keys = {"general.alignment", prefix + ".block_count", prefix + ".attention.head_count",
        prefix + ".attention.head_count_kv", prefix + ".context_length", prefix + ".embedding_length",
        prefix + ".feed_forward_length", prefix + ".vocab_size", prefix + ".rope.dimension_count",
        "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.tokens",
        "tokenizer.ggml.model", "tokenizer.ggml.scores", "tokenizer.ggml.merges", "general.architecture",
        prefix + ".rope.scaling.type"};
    String key = keys[r.nextInt(keys.length)];
    GgufLayout.Entry fake = new GgufLayout.Entry(key, 0, 0, 0);
    log.append(" metadata ").append(key).append(" added (last wins) as");
    byte[] value = newValue(seed, fake, r, log);
    log.append(';');
    byte[] entry = new GgufBytes().string(key).raw(value).toBytes();
    return seed.rebuild(seed.metadataEnd, seed.metadataEnd, entry, 1, 0);
  }

  private static byte[] changeTensors(GgufLayout seed, SplittableRandom r, StringBuilder log) {
    GgufLayout.TensorInfo t = seed.tensors.get(r.nextInt(seed.tensors.size()));
    switch (r.nextInt(3)) {
      case 0:
        log.append(" tensor info ").append(t.name()).append(" removed;");
        return seed.rebuild(t.start(), t.end(), new byte[0], 0, -1);
      case 1:
        log.append(" tensor info ").append(t.name()).append(" duplicated;");
        return seed.rebuild(seed.headerEnd, seed.headerEnd, Arrays.copyOfRange(seed.bytes, t.start(), t.end()), 0, 1);
      default: {
        GgufLayout.TensorInfo u = seed.tensors.get(r.nextInt(seed.tensors.size()));
        log.append(" tensor ").append(t.name()).append(" renamed to ").append(u.name()).append(';');
        int nameEnd = t.start() + 8 + (int) LittleEndian.get(seed.bytes, t.start(), 8);
        byte[] name = Arrays.copyOfRange(seed.bytes, u.start(), u.start() + 8 + (int) LittleEndian.get(seed.bytes,
            u.start(), 8));
        return seed.rebuild(t.start(), nameEnd, name, 0, 0);
      }
    }
  }

  private static GgufLayout.Entry pickEntry(GgufLayout seed, SplittableRandom r) {
    return seed.entries.get(r.nextInt(seed.entries.size()));
  }
}
