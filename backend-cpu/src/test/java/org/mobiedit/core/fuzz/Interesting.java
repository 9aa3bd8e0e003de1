package org.mobiedit.core.fuzz;

import java.util.SplittableRandom;

/** Values that break size arithmetic: zero, one, minus one, the edges of int and long, and the file size ± k. */
final class Interesting {
  private Interesting() {}

  /** An integer worth trying in a length, count, dimension or offset field of a file of {@code fileSize} bytes. */
  static long integer(SplittableRandom r, long fileSize) {
    switch (r.nextInt(16)) {
      case 0: return 0;
      case 1: return 1;
      case 2: return -1;
      case 3: return 2;
      case 4: return Integer.MAX_VALUE;
      case 5: return 1L << 31;
      case 6: return (1L << 32) + 5;
      case 7: return Long.MAX_VALUE;
      case 8: return Long.MIN_VALUE;
      case 9: return Integer.MIN_VALUE;
      case 10: return fileSize;
      case 11: return fileSize + 1 + r.nextInt(16);
      case 12: return Math.max(0, fileSize - 1 - r.nextInt(16));
      case 13: return 1L << (1 + r.nextInt(62));
      case 14: return 100_000_000;
      default: return r.nextInt(1 << 16);
    }
  }

  /** An interesting integer, or the old value changed a little (±1, doubled, shifted). */
  static long near(long old, SplittableRandom r, long fileSize) {
    switch (r.nextInt(6)) {
      case 0: return old + 1;
      case 1: return old - 1;
      case 2: return old * 2;
      case 3: return old << 16;
      default: return integer(r, fileSize);
    }
  }

  /** A float that breaks arithmetic: NaN, infinities, the largest finite values, a subnormal, -0. */
  static float floating(SplittableRandom r) {
    float[] v = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3.4e38f, -3.4e38f, 1e20f, 1e30f,
        Float.MIN_VALUE, -0.0f, 0f, 65504f, 1e-30f};
    return v[r.nextInt(v.length)];
  }
}
