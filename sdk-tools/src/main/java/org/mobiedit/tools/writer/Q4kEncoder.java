package org.mobiedit.tools.writer;

import org.mobiedit.spi.numerics.FourBitBlocks;
import org.mobiedit.spi.numerics.HalfFloat;

/**
 * Encodes ggml's Q4_K super-block: 256 values as 8 blocks of 32, each {@code w = d·sc·q - dmin·mn} with 4-bit levels
 * {@code q}, 6-bit {@code sc} and {@code mn}, and half {@code d}, {@code dmin}; 144 bytes (d, dmin, 12 bytes of
 * packed scales and minima, 128 bytes of nibbles). A plain encoder for synthetic models: each block's range
 * {@code [min(0, lo), hi]} is spread over the 16 levels, without llama.cpp's search for the scale that minimises the
 * error, so its files are valid Q4_K (they load in llama.cpp and in the SDK's reader) but a little less accurate than
 * llama.cpp's own quantization of the same weights.
 */
final class Q4kEncoder {
  private static final int SUPER = 256;
  private static final int BLOCK = FourBitBlocks.BLOCK;

  private Q4kEncoder() {}

  /** Encodes {@code w[from .. from + 256)} into {@code dst[0 .. 144)}. */
  static void encode(float[] w, int from, byte[] dst) {
    float[] scale = new float[SUPER / BLOCK];
    float[] min = new float[SUPER / BLOCK];
    float maxScale = 0;
    float maxMin = 0;
    for (int b = 0; b < scale.length; b++) {
      float lo = 0;
      float hi = 0;
      for (int i = 0; i < BLOCK; i++) {
        float v = w[from + b * BLOCK + i];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      min[b] = -lo;
      scale[b] = (hi - lo) / 15f;
      maxScale = Math.max(maxScale, scale[b]);
      maxMin = Math.max(maxMin, min[b]);
    }
    short dBits = HalfFloat.fromFloat(maxScale / 63f);
    short dminBits = HalfFloat.fromFloat(maxMin / 63f);
    float d = HalfFloat.toFloat(dBits);
    float dmin = HalfFloat.toFloat(dminBits);
    int[] sc = new int[scale.length];
    int[] mn = new int[scale.length];
    for (int b = 0; b < scale.length; b++) {
      sc[b] = d == 0 ? 0 : Math.min(63, Math.round(scale[b] / d));
      // the minimum rounds up, so the block's lowest value stays inside the levels' range
      mn[b] = dmin == 0 ? 0 : Math.min(63, (int) Math.ceil(min[b] / dmin));
    }
    dst[0] = (byte) dBits;
    dst[1] = (byte) (dBits >>> 8);
    dst[2] = (byte) dminBits;
    dst[3] = (byte) (dminBits >>> 8);
    for (int j = 0; j < 4; j++) {
      dst[4 + j] = (byte) ((sc[j] & 63) | (sc[j + 4] >>> 4) << 6);
      dst[8 + j] = (byte) ((mn[j] & 63) | (mn[j + 4] >>> 4) << 6);
      dst[12 + j] = (byte) ((sc[j + 4] & 15) | (mn[j + 4] & 15) << 4);
    }
    int[] q = new int[SUPER];
    for (int b = 0; b < scale.length; b++) {
      float step = d * sc[b];
      float offset = dmin * mn[b];
      for (int i = 0; i < BLOCK; i++) {
        float v = w[from + b * BLOCK + i];
        int level = step == 0 || Float.isNaN(v) ? 0 : Math.round((v + offset) / step);
        q[b * BLOCK + i] = Math.max(0, Math.min(15, level));
      }
    }
    for (int g = 0; g < SUPER / 64; g++) {
      for (int l = 0; l < 32; l++) {
        dst[16 + 32 * g + l] = (byte) (q[64 * g + l] | q[64 * g + 32 + l] << 4);
      }
    }
  }
}
