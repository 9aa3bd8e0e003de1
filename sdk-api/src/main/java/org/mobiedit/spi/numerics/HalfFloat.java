package org.mobiedit.spi.numerics;

/**
 * IEEE 754 half precision (binary16), the scale type of ggml's block formats, in both directions; Java 17 has
 * neither {@code Float.float16ToFloat} nor {@code Float.floatToFloat16}. Every half is exactly a float, so
 * {@link #toFloat} is exact; {@link #fromFloat} rounds to nearest, ties to even, overflows to infinity, and keeps NaN a
 * NaN.
 */
public final class HalfFloat {
  private HalfFloat() {}

  /** The float value of the half whose bits are the low 16 of {@code h}. */
  public static float toFloat(int h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float v = mant * 0x1p-24f; // subnormal: mant · 2^-24
      return sign == 0 ? v : -v;
    }
    if (exp == 31) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** The half nearest to {@code f} (ties to even), as its 16 bits. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 31) {
      return (short) (sign | 0x7c00);
    }
    int half;
    int rem;
    int mid;
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      int full = mant | 0x800000;
      int shift = 14 - e;
      half = full >>> shift;
      rem = full & ((1 << shift) - 1);
      mid = 1 << (shift - 1);
    } else {
      half = (e << 10) | (mant >>> 13);
      rem = mant & 0x1fff;
      mid = 0x1000;
    }
    if (rem > mid || (rem == mid && (half & 1) != 0)) {
      half++; // a carry into the exponent is the correct rounding, up to infinity
    }
    return (short) (sign | half);
  }
}
