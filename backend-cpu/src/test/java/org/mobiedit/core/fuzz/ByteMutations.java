package org.mobiedit.core.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Format-blind mutations of a byte array: bit flips, bytes set to interesting values, ranges inserted, deleted or
 * duplicated, truncation, 4- and 8-byte integers overwritten, and splicing with another seed. Positions fall in a
 * "hot" prefix (a header) most of the time, since flipping bytes of tensor data tests nothing.
 */
final class ByteMutations {
  private static final byte[] INTERESTING = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff};

  private ByteMutations() {}

  /**
   * Applies one to four mutations.
   *
   * @param hot the length of the prefix where positions are drawn 80% of the time
   * @param other another seed to splice with, or null
   */
  static byte[] mutate(byte[] in, int hot, byte @Nullable [] other, SplittableRandom r, StringBuilder log) {
    byte[] b = in;
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      b = once(b, hot, other, r, log);
    }
    return b;
  }

  private static byte[] once(byte[] b, int hot, byte @Nullable [] other, SplittableRandom r, StringBuilder log) {
    if (b.length == 0) {
      log.append(" insert 8 random bytes into an empty file;");
      return randomBytes(8, r);
    }
    int pos = position(b.length, hot, r);
    switch (r.nextInt(10)) {
      case 0: {
        int bit = r.nextInt(8);
        log.append(" flip bit ").append(bit).append(" at ").append(pos).append(';');
        byte[] c = b.clone();
        c[pos] ^= (byte) (1 << bit);
        return c;
      }
      case 1: {
        byte v = INTERESTING[r.nextInt(INTERESTING.length)];
        log.append(" byte ").append(pos).append(" := 0x").append(Integer.toHexString(v & 0xff)).append(';');
        byte[] c = b.clone();
        c[pos] = v;
        return c;
      }
      case 2: {
        byte[] ins = randomBytes(1 + r.nextInt(64), r);
        log.append(" insert ").append(ins.length).append(" random bytes at ").append(pos).append(';');
        return splice(b, pos, pos, ins);
      }
      case 3: {
        int len = Math.min(b.length - pos, 1 + r.nextInt(r.nextBoolean() ? 8 : 256));
        log.append(" delete ").append(len).append(" bytes at ").append(pos).append(';');
        return splice(b, pos, pos + len, new byte[0]);
      }
      case 4: {
        int len = Math.min(b.length - pos, 1 + r.nextInt(256));
        int at = position(b.length, hot, r);
        log.append(" duplicate ").append(len).append(" bytes of ").append(pos).append(" at ").append(at).append(';');
        return splice(b, at, at, Arrays.copyOfRange(b, pos, pos + len));
      }
      case 5: {
        log.append(" truncate to ").append(pos).append(" bytes;");
        return Arrays.copyOf(b, pos);
      }
      case 6:
      case 7: {
        int width = r.nextBoolean() ? 4 : 8;
        long v = Interesting.integer(r, b.length);
        log.append(" ").append(width * 8).append("-bit int at ").append(pos).append(" := ").append(v).append(';');
        byte[] c = Arrays.copyOf(b, Math.max(b.length, pos + width));
        LittleEndian.put(c, pos, width, v);
        return c;
      }
      case 8: {
        if (other == null || other.length == 0) {
          return once(b, hot, null, r, log);
        }
        int cut = position(Math.min(b.length, other.length), hot, r);
        log.append(" splice: first ").append(cut).append(" bytes kept, the rest from another seed;");
        byte[] c = Arrays.copyOf(b, other.length);
        System.arraycopy(other, cut, c, cut, other.length - cut);
        return c;
      }
      default: {
        log.append(" byte ").append(pos).append(" := random;");
        byte[] c = b.clone();
        c[pos] = (byte) r.nextInt(256);
        return c;
      }
    }
  }

  static int position(int length, int hot, SplittableRandom r) {
    int h = Math.min(length, Math.max(1, hot));
    return r.nextInt(10) < 8 ? r.nextInt(h) : r.nextInt(length);
  }

  static byte[] splice(byte[] b, int from, int to, byte[] replacement) {
    byte[] c = new byte[b.length - (to - from) + replacement.length];
    System.arraycopy(b, 0, c, 0, from);
    System.arraycopy(replacement, 0, c, from, replacement.length);
    System.arraycopy(b, to, c, from + replacement.length, b.length - to);
    return c;
  }

  static byte[] randomBytes(int n, SplittableRandom r) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }
}
