package org.mobiedit.core.internal.format;

import java.nio.ByteBuffer;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.numerics.HalfFloat;

/**
 * Turns stored elements into float32, exactly as the formats define them (IEEE half, bfloat16 = the high half of a
 * float, and ggml's block formats Q8_0, Q4_0, Q4_K, Q6_K). All reads are absolute, so one buffer can serve many
 * threads.
 */
public final class Dequantizer {
  private Dequantizer() {}

  /**
   * Decodes {@code count} elements of {@code type} stored from byte {@code pos} of {@code buf} (little-endian) into
   * {@code dst[off..]}. For block types, {@code count} is a multiple of the block size and {@code pos} a block start.
   */
  public static void decode(DType type, ByteBuffer buf, int pos, float[] dst, int off, int count) {
    switch (type) {
      case F32:
        for (int i = 0; i < count; i++) {
          dst[off + i] = buf.getFloat(pos + 4 * i);
        }
        break;
      case F16:
        for (int i = 0; i < count; i++) {
          dst[off + i] = HalfFloat.toFloat(buf.getShort(pos + 2 * i) & 0xffff);
        }
        break;
      case BF16:
        for (int i = 0; i < count; i++) {
          dst[off + i] = Float.intBitsToFloat((buf.getShort(pos + 2 * i) & 0xffff) << 16);
        }
        break;
      case Q8_0:
        for (int b = 0; b < count / 32; b++) {
          int p = pos + b * 34;
          float d = HalfFloat.toFloat(buf.getShort(p) & 0xffff);
          for (int j = 0; j < 32; j++) {
            dst[off + b * 32 + j] = buf.get(p + 2 + j) * d;
          }
        }
        break;
      case Q4_0:
        for (int b = 0; b < count / 32; b++) {
          int p = pos + b * 18;
          float d = HalfFloat.toFloat(buf.getShort(p) & 0xffff);
          int o = off + b * 32;
          for (int j = 0; j < 16; j++) {
            int q = buf.get(p + 2 + j) & 0xff;
            dst[o + j] = ((q & 0xf) - 8) * d;
            dst[o + j + 16] = ((q >>> 4) - 8) * d;
          }
        }
        break;
      case Q4_K:
        for (int b = 0; b < count / 256; b++) {
          decodeQ4K(buf, pos + b * 144, dst, off + b * 256);
        }
        break;
      case Q6_K:
        for (int b = 0; b < count / 256; b++) {
          decodeQ6K(buf, pos + b * 210, dst, off + b * 256);
        }
        break;
      default:
        throw new IllegalArgumentException("no decoder for " + type);
    }
  }

  /** Q4_K: f16 d, f16 dmin, 12 bytes of packed 6-bit scales and mins, 128 bytes of 4-bit values. */
  private static void decodeQ4K(ByteBuffer buf, int p, float[] dst, int o) {
    float d = HalfFloat.toFloat(buf.getShort(p) & 0xffff);
    float dmin = HalfFloat.toFloat(buf.getShort(p + 2) & 0xffff);
    int scales = p + 4;
    int qs = p + 16;
    int is = 0;
    for (int j = 0; j < 256; j += 64) {
      float d1 = d * scaleK4(buf, scales, is);
      float m1 = dmin * minK4(buf, scales, is);
      float d2 = d * scaleK4(buf, scales, is + 1);
      float m2 = dmin * minK4(buf, scales, is + 1);
      for (int l = 0; l < 32; l++) {
        int q = buf.get(qs + l) & 0xff;
        dst[o + j + l] = d1 * (q & 0xf) - m1;
        dst[o + j + 32 + l] = d2 * (q >>> 4) - m2;
      }
      qs += 32;
      is += 2;
    }
  }

  private static int scaleK4(ByteBuffer b, int s, int j) {
    if (j < 4) {
      return b.get(s + j) & 63;
    }
    return (b.get(s + j + 4) & 0xf) | (((b.get(s + j - 4) & 0xff) >>> 6) << 4);
  }

  private static int minK4(ByteBuffer b, int s, int j) {
    if (j < 4) {
      return b.get(s + j + 4) & 63;
    }
    return ((b.get(s + j + 4) & 0xff) >>> 4) | (((b.get(s + j) & 0xff) >>> 6) << 4);
  }

  /** Q6_K: 128 bytes low 4 bits, 64 bytes high 2 bits, 16 int8 scales, f16 d. */
  private static void decodeQ6K(ByteBuffer buf, int p, float[] dst, int o) {
    int ql = p;
    int qh = p + 128;
    int sc = p + 192;
    float d = HalfFloat.toFloat(buf.getShort(p + 208) & 0xffff);
    for (int n = 0; n < 256; n += 128) {
      for (int l = 0; l < 32; l++) {
        int is = l / 16;
        int h = buf.get(qh + l) & 0xff;
        int l0 = buf.get(ql + l) & 0xff;
        int l32 = buf.get(ql + l + 32) & 0xff;
        int q1 = ((l0 & 0xf) | ((h & 3) << 4)) - 32;
        int q2 = ((l32 & 0xf) | (((h >>> 2) & 3) << 4)) - 32;
        int q3 = ((l0 >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
        int q4 = ((l32 >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
        dst[o + n + l] = d * buf.get(sc + is) * q1;
        dst[o + n + l + 32] = d * buf.get(sc + is + 2) * q2;
        dst[o + n + l + 64] = d * buf.get(sc + is + 4) * q3;
        dst[o + n + l + 96] = d * buf.get(sc + is + 6) * q4;
      }
      ql += 64;
      qh += 32;
      sc += 8;
    }
  }
}
