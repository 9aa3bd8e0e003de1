package org.mobiedit.tools.writer;

/**
 * Float32 to bfloat16, the 16-bit storage type besides IEEE half ({@link org.mobiedit.spi.numerics.HalfFloat}) the
 * writers produce, rounding to nearest even: the inverse of the runtime's decoding (its {@code Dequantizer}), which a
 * round-trip test checks.
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** Float to bfloat16, round to nearest even (NaN stays NaN). */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

}
