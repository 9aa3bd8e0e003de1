package org.mobiedit.tools.writer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.core.files.AtomicFile;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.numerics.FourBitBlocks;
import org.mobiedit.spi.numerics.HalfFloat;

/**
 * Writes GGUF v3 files (alignment 32) with tensors streamed as F32, F16, BF16, Q8_0 (llama.cpp's block: an fp16
 * scale {@code max|x|/127} then 32 int8 values, 34 bytes), Q4_0 ({@link FourBitBlocks#quantizeQ40}) or Q4_K
 * ({@link Q4kEncoder}); rows must be whole blocks of the type. Metadata values follow the
 * contract of sdk-core's GGUF reader: {@code Long} is written as uint32 when it fits (else int64), {@code Double} as
 * float32, {@code Boolean}, {@code String}, {@code List<String>}, {@code long[]} (int32 elements) and {@code double[]}
 * (float32 elements). The file is written beside the target and renamed atomically.
 */
public final class GgufWriter {
  private static final int ALIGNMENT = 32;

  private record Pending(String name, DType dtype, long[] shape, TensorValues values) {}

  private final Map<String, Object> metadata = new LinkedHashMap<>();
  private final List<Pending> tensors = new ArrayList<>();

  public GgufWriter put(String key, Object value) {
    metadata.put(key, value);
    return this;
  }

  public GgufWriter add(String name, DType dtype, long[] shape, TensorValues values) {
    if (dtype == DType.Q6_K) {
      throw new IllegalArgumentException("GGUF writer stores F32, F16, BF16, Q8_0, Q4_0 or Q4_K, not " + dtype);
    }
    if (shape[shape.length - 1] % dtype.blockSize() != 0) {
      throw new IllegalArgumentException(dtype + " stores rows in blocks of " + dtype.blockSize() + " values; " + name
          + " has rows of " + shape[shape.length - 1]);
    }
    tensors.add(new Pending(name, dtype, shape.clone(), values));
    return this;
  }

  public void write(Path file) {
    AtomicFile.write(file, stream -> {
      Out out = new Out(stream);
      out.i32(0x46554747);
      out.i32(3);
      out.i64(tensors.size());
      out.i64(metadata.size());
      for (Map.Entry<String, Object> e : metadata.entrySet()) {
        out.string(e.getKey());
        value(out, e.getValue(), e.getKey());
      }
      long offset = 0;
      for (Pending t : tensors) {
        out.string(t.name);
        out.i32(t.shape.length);
        for (int d = t.shape.length - 1; d >= 0; d--) {
          out.i64(t.shape[d]);
        }
        out.i32(ggmlType(t.dtype));
        out.i64(offset);
        offset = align(offset + t.dtype.bytesFor(elements(t.shape)));
      }
      out.pad();
      for (Pending t : tensors) {
        data(out, t);
        out.pad();
      }
    });
  }

  private static int ggmlType(DType t) {
    switch (t) {
      case F32: return 0;
      case F16: return 1;
      case Q4_0: return 2;
      case Q8_0: return 8;
      case Q4_K: return 12;
      default: return 30;
    }
  }

  private static long align(long v) {
    return (v + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  private static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  private static void value(Out out, Object v, String key) throws IOException {
    if (v instanceof Long || v instanceof Integer) {
      long x = ((Number) v).longValue();
      if (x >= 0 && x <= 0xffffffffL) {
        out.i32(4);
        out.i32((int) x);
      } else {
        out.i32(11);
        out.i64(x);
      }
    } else if (v instanceof Double || v instanceof Float) {
      out.i32(6);
      out.i32(Float.floatToRawIntBits(((Number) v).floatValue()));
    } else if (v instanceof Boolean) {
      out.i32(7);
      out.u8((Boolean) v ? 1 : 0);
    } else if (v instanceof String) {
      out.i32(8);
      out.string((String) v);
    } else if (v instanceof List) {
      out.i32(9);
      out.i32(8);
      out.i64(((List<?>) v).size());
      for (Object s : (List<?>) v) {
        out.string((String) s);
      }
    } else if (v instanceof long[]) {
      long[] a = (long[]) v;
      out.i32(9);
      out.i32(5);
      out.i64(a.length);
      for (long x : a) {
        out.i32((int) x);
      }
    } else if (v instanceof double[]) {
      double[] a = (double[]) v;
      out.i32(9);
      out.i32(6);
      out.i64(a.length);
      for (double x : a) {
        out.i32(Float.floatToRawIntBits((float) x));
      }
    } else {
      throw new IllegalArgumentException("metadata " + key + " has an unsupported value type " + v.getClass());
    }
  }

  private static void data(Out out, Pending t) throws IOException {
    long total = elements(t.shape);
    int chunk = 1 << 15; // a multiple of every block size
    float[] buf = new float[chunk];
    byte[] block = new byte[DType.Q4_K.blockBytes()];
    for (long start = 0; start < total; start += chunk) {
      int n = (int) Math.min(chunk, total - start);
      t.values.fill(start, buf, n);
      switch (t.dtype) {
        case F32:
          for (int i = 0; i < n; i++) {
            out.i32(Float.floatToRawIntBits(buf[i]));
          }
          break;
        case F16:
          for (int i = 0; i < n; i++) {
            out.i16(HalfFloat.fromFloat(buf[i]));
          }
          break;
        case BF16:
          for (int i = 0; i < n; i++) {
            out.i16(HalfFloats.floatToBf16(buf[i]));
          }
          break;
        case Q4_0:
          for (int b = 0; b < n; b += FourBitBlocks.BLOCK) {
            FourBitBlocks.quantizeQ40(buf, b, block, 0);
            out.bytes(block, FourBitBlocks.Q4_0_BYTES);
          }
          break;
        case Q4_K:
          for (int b = 0; b < n; b += DType.Q4_K.blockSize()) {
            Q4kEncoder.encode(buf, b, block);
            out.bytes(block, block.length);
          }
          break;
        default:
          for (int b = 0; b < n; b += 32) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
              amax = Math.max(amax, Math.abs(buf[b + i]));
            }
            float d = amax / 127f;
            float id = d == 0 ? 0 : 1f / d;
            out.i16(HalfFloat.fromFloat(d));
            for (int i = 0; i < 32; i++) {
              out.u8(Math.round(buf[b + i] * id));
            }
          }
          break;
      }
    }
  }

  /** Little-endian output that counts bytes for alignment padding. */
  private static final class Out {
    private final OutputStream out;
    private final ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    Out(OutputStream out) {
      this.out = out;
    }

    void bytes(byte[] v, int n) throws IOException {
      out.write(v, 0, n);
      written += n;
    }

    void u8(int v) throws IOException {
      out.write(v);
      written++;
    }

    void i16(short v) throws IOException {
      b.clear();
      out.write(b.putShort(v).array(), 0, 2);
      written += 2;
    }

    void i32(int v) throws IOException {
      b.clear();
      out.write(b.putInt(v).array(), 0, 4);
      written += 4;
    }

    void i64(long v) throws IOException {
      b.clear();
      out.write(b.putLong(v).array(), 0, 8);
      written += 8;
    }

    void string(String s) throws IOException {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      i64(bytes.length);
      out.write(bytes);
      written += bytes.length;
    }

    void pad() throws IOException {
      while (written % ALIGNMENT != 0) {
        u8(0);
      }
    }
  }
}
