package org.mobiedit.core.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Structure-aware mutations of a patch file: lengths, counts and layers set to interesting values, floats set to
 * NaN, infinities or 3.4e38 (one, or a whole vector; more often in the second edit, which {@code Editor.load} reaches
 * after applying the first), edits dropped, duplicated, renamed alike or swapped, and format-blind byte mutations.
 * The CRC-32 is recomputed 95% of the time, so that the mutations reach the validation after the checksum.
 */
final class PatchMutations {
  private PatchMutations() {}

  /** The mutated bytes; {@code model} gives the sizes worth trying (layers, hidden size, FFN size). */
  static byte[] mutate(PatchLayout seed, int layers, int hidden, int ffn, SplittableRandom r, StringBuilder log) {
    byte[] b;
    int op = r.nextInt(100);
    if (op < 30) {
      b = setField(seed, layers, hidden, ffn, r, log);
    } else if (op < 60) {
      b = poison(seed, r, log);
    } else if (op < 75) {
      b = restructure(seed, r, log);
    } else {
      b = ByteMutations.mutate(seed.bytes, seed.bytes.length, null, r, log);
    }
    if (r.nextInt(100) < 95) {
      log.append(" CRC recomputed;");
      return PatchLayout.withCrc(b);
    }
    log.append(" CRC left as it was;");
    return b;
  }

  private static byte[] setField(PatchLayout seed, int layers, int hidden, int ffn, SplittableRandom r,
      StringBuilder log) {
    PatchLayout.Field f = seed.fields.get(r.nextInt(seed.fields.size()));
    long old = LittleEndian.get(seed.bytes, f.offset(), 4);
    long[] sizes = {layers, layers - 1, layers + 1, hidden, hidden + 1, hidden - 1, ffn, ffn + 1, ffn - 1,
        seed.bytes.length - f.offset()};
    long v = r.nextInt(3) == 0 ? sizes[r.nextInt(sizes.length)] : Interesting.near(old, r, seed.bytes.length);
    log.append(' ').append(f.what()).append(": ").append(old).append(" -> ").append((int) v).append(';');
    byte[] b = seed.bytes.clone();
    LittleEndian.put(b, f.offset(), 4, v);
    return b;
  }

  private static byte[] poison(PatchLayout seed, SplittableRandom r, StringBuilder log) {
    int e = seed.edits.size() > 1 && r.nextInt(3) > 0 ? seed.edits.size() - 1 : r.nextInt(seed.edits.size());
    PatchLayout.Edit edit = seed.edits.get(e);
    boolean left = r.nextBoolean();
    int start = left ? edit.leftFloats() : edit.rightFloats();
    int count = left ? edit.leftCount() : edit.rightCount();
    float v = Interesting.floating(r);
    boolean all = r.nextInt(3) == 0;
    byte[] b = seed.bytes.clone();
    if (all) {
      for (int i = 0; i < count; i++) {
        LittleEndian.put(b, start + 4 * i, 4, Float.floatToRawIntBits(v));
      }
    } else {
      LittleEndian.put(b, start + 4 * r.nextInt(count), 4, Float.floatToRawIntBits(v));
    }
    log.append(' ').append(all ? "every float" : "one float").append(" of ").append(left ? "left" : "right")
        .append(" of edit ").append(e).append(" := ").append(v).append(';');
    return b;
  }

  private static byte[] restructure(PatchLayout seed, SplittableRandom r, StringBuilder log) {
    PatchLayout.Edit first = seed.edits.get(0);
    PatchLayout.Edit last = seed.edits.get(seed.edits.size() - 1);
    int count = seed.edits.size();
    byte[] b;
    switch (r.nextInt(5)) {
      case 0:
        log.append(" the last edit dropped;");
        b = ByteMutations.splice(seed.bytes, last.start(), last.end(), new byte[0]);
        LittleEndian.put(b, seed.countOffset, 4, count - 1);
        return b;
      case 1:
        log.append(" the first edit appended again (same name);");
        b = ByteMutations.splice(seed.bytes, last.end(), last.end(),
            Arrays.copyOfRange(seed.bytes, first.start(), first.end()));
        LittleEndian.put(b, seed.countOffset, 4, count + 1);
        return b;
      case 2: {
        log.append(" the first edit appended again under another name;");
        byte[] copy = Arrays.copyOfRange(seed.bytes, first.start(), first.end());
        int nameLength = (int) LittleEndian.get(copy, 0, 4);
        if (nameLength > 0) {
          copy[4 + nameLength - 1] ^= 0x01;
        }
        b = ByteMutations.splice(seed.bytes, last.end(), last.end(), copy);
        LittleEndian.put(b, seed.countOffset, 4, count + 1);
        return b;
      }
      case 3: {
        int cut = first.start() + r.nextInt(last.end() - first.start());
        log.append(" cut at ").append(cut).append(" (count kept);");
        return ByteMutations.splice(seed.bytes, cut, seed.bytes.length - 4, new byte[0]);
      }
      default: {
        int extra = 1 + r.nextInt(64);
        log.append(' ').append(extra).append(" bytes added before the CRC;");
        return ByteMutations.splice(seed.bytes, seed.bytes.length - 4, seed.bytes.length - 4,
            ByteMutations.randomBytes(extra, r));
      }
    }
  }
}
