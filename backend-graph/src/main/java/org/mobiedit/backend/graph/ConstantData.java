package org.mobiedit.backend.graph;

import java.nio.FloatBuffer;
import java.nio.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.function.Supplier;

/**
 * The bytes of one constant, produced when a graph file is written rather than when the graph is built. Weights are
 * read from the model only then, one tensor at a time, and streamed through a small buffer: a graph of a 0.5B model
 * never holds its 2 GB of float32 weights in the Java heap.
 */
public abstract class ConstantData {
  private static final int CHUNK_FLOATS = 1 << 18;

  ConstantData() {}

  /** Bytes written. */
  public abstract long size();

  /** Writes exactly {@link #size()} bytes, little-endian. */
  public abstract void writeTo(WritableByteChannel out) throws IOException;

  /** Bytes as given (a file header, int8 weights, int32 constants); not copied. */
  public static ConstantData bytes(byte[] b) {
    return new ConstantData() {
      @Override
      public long size() {
        return b.length;
      }

      @Override
      public void writeTo(WritableByteChannel out) throws IOException {
        drain(out, ByteBuffer.wrap(b));
      }
    };
  }

  /** Reads one row of a matrix. */
  @FunctionalInterface
  public interface RowReader {
    /** Fills {@code dst[0 .. cols)} with row {@code row}. */
    void read(int row, float[] dst);
  }

  /**
   * A {@code rows × cols} float32 matrix produced row by row at write time, through a small buffer: the whole matrix
   * never exists on the Java heap.
   */
  public static ConstantData floatRows(int rows, int cols, RowReader reader) {
    return new ConstantData() {
      @Override
      public long size() {
        return 4L * rows * cols;
      }

      @Override
      public void writeTo(WritableByteChannel out) throws IOException {
        float[] row = new float[cols];
        int perChunk = Math.max(1, CHUNK_FLOATS / Math.max(1, cols));
        ByteBuffer chunk = ByteBuffer.allocate(perChunk * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r += perChunk) {
          int n = Math.min(perChunk, rows - r);
          ((Buffer) chunk).clear();
          FloatBuffer floats = chunk.asFloatBuffer();
          for (int i = 0; i < n; i++) {
            reader.read(r + i, row);
            floats.put(row);
          }
          ((Buffer) chunk).limit(n * cols * 4);
          drain(out, chunk);
        }
      }
    };
  }

  /** int32 values, little-endian. */
  public static ConstantData ints(int[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return bytes(b.array());
  }

  /** {@code count} float32 values, produced by {@code values} at write time (and checked to be that many). */
  public static ConstantData floats(String name, long count, Supplier<float[]> values) {
    return new ConstantData() {
      @Override
      public long size() {
        return count * 4;
      }

      @Override
      public void writeTo(WritableByteChannel out) throws IOException {
        float[] v = values.get();
        if (v.length != count) {
          throw new IllegalStateException(name + ": " + v.length + " values produced, " + count + " declared");
        }
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < v.length; at += CHUNK_FLOATS) {
          int n = Math.min(CHUNK_FLOATS, v.length - at);
          ((Buffer) chunk).clear();
          chunk.asFloatBuffer().put(v, at, n);
          ((Buffer) chunk).limit(n * 4);
          drain(out, chunk);
        }
      }
    };
  }

  /** Writes all of {@code b}. */
  public static void drain(WritableByteChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }
}
