package org.mobiedit.tools.writer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mobiedit.core.files.AtomicFile;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.numerics.HalfFloat;

/**
 * Writes a {@code .safetensors} file tensor by tensor (values are pulled from a {@link TensorValues} source in chunks, so
 * a model larger than memory can be written). The file appears atomically: it is written beside the target and
 * renamed, so a crash never leaves a half-written model under the final name.
 */
public final class SafetensorsWriter {
  private record Pending(String name, DType dtype, long[] shape, TensorValues values) {}

  private final List<Pending> tensors = new ArrayList<>();

  /** Adds a tensor (F32, F16 or BF16), shape outermost first. */
  public SafetensorsWriter add(String name, DType dtype, long[] shape, TensorValues values) {
    if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
      throw new IllegalArgumentException("safetensors writer supports F32, F16, BF16, not " + dtype);
    }
    tensors.add(new Pending(name, dtype, shape.clone(), values));
    return this;
  }

  /** Adds a tensor from an array. */
  public SafetensorsWriter add(String name, DType dtype, long[] shape, float[] data) {
    return add(name, dtype, shape, TensorValues.of(data));
  }

  public void write(Path file) {
    JsonObject header = new JsonObject();
    long offset = 0;
    for (Pending t : tensors) {
      long bytes = t.dtype.bytesFor(elements(t.shape));
      JsonObject o = new JsonObject();
      o.addProperty("dtype", t.dtype.name());
      JsonArray shape = new JsonArray();
      for (long d : t.shape) {
        shape.add(d);
      }
      o.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offsets.add(offset + bytes);
      o.add("data_offsets", offsets);
      header.add(t.name, o);
      offset += bytes;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    AtomicFile.write(file, out -> {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(json);
      for (int i = json.length; i < padded; i++) {
        out.write(' ');
      }
      for (Pending t : tensors) {
        writeData(out, t);
      }
    });
  }

  private static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  private static void writeData(OutputStream out, Pending t) throws IOException {
    long total = elements(t.shape);
    int chunk = 1 << 16;
    float[] buf = new float[chunk];
    int width = t.dtype == DType.F32 ? 4 : 2;
    ByteBuffer bytes = ByteBuffer.allocate(chunk * width).order(ByteOrder.LITTLE_ENDIAN);
    for (long start = 0; start < total; start += chunk) {
      int n = (int) Math.min(chunk, total - start);
      t.values.fill(start, buf, n);
      bytes.clear();
      for (int i = 0; i < n; i++) {
        switch (t.dtype) {
          case F32:
            bytes.putFloat(buf[i]);
            break;
          case F16:
            bytes.putShort(HalfFloat.fromFloat(buf[i]));
            break;
          default:
            bytes.putShort(HalfFloats.floatToBf16(buf[i]));
            break;
        }
      }
      out.write(bytes.array(), 0, n * width);
    }
  }
}
