package org.mobiedit.backend.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import org.jspecify.annotations.Nullable;
import org.mobiedit.spi.numerics.WeightQuantizer;

/**
 * A float matrix's int8 form with one scale per row ({@link WeightQuantizer}, the rule every backend shares), made row
 * by row while it is written: the float rows are read one at a time and the int8 bytes go out through a small buffer,
 * so a 0.5B model's embedding (136 M values) never sits on the Java heap, in either form. The scales (4 bytes a row)
 * are kept once known: from the write, or from a pass of their own when a writer needs them first (a TFLite header).
 * Thread-safe.
 */
final class QuantizedRows {
  private static final int CHUNK_BYTES = 1 << 20;

  private final String name;
  private final int rows;
  private final int cols;
  private final ConstantData.RowReader reader;
  private float @Nullable [] scales;

  QuantizedRows(String name, int rows, int cols, ConstantData.RowReader reader) {
    this.name = name;
    this.rows = rows;
    this.cols = cols;
    this.reader = reader;
  }

  /** The per-row scales, computed by a pass over the rows if the values were not written yet. */
  synchronized float[] scales() {
    if (scales == null) {
      float[] row = new float[cols];
      byte[] q = new byte[cols];
      float[] s = new float[rows];
      for (int r = 0; r < rows; r++) {
        reader.read(r, row);
        s[r] = WeightQuantizer.quantizeRow(row, 0, cols, q, 0);
      }
      scales = s;
    }
    return scales;
  }

  /** The int8 values, row after row, quantized as they are written. */
  ConstantData data() {
    return new ConstantData() {
      @Override
      public long size() {
        return (long) rows * cols;
      }

      @Override
      public void writeTo(WritableByteChannel out) throws IOException {
        float[] row = new float[cols];
        int perChunk = Math.max(1, CHUNK_BYTES / Math.max(1, cols));
        byte[] chunk = new byte[perChunk * cols];
        float[] s = new float[rows];
        for (int r = 0; r < rows; r += perChunk) {
          int n = Math.min(perChunk, rows - r);
          for (int i = 0; i < n; i++) {
            reader.read(r + i, row);
            s[r + i] = WeightQuantizer.quantizeRow(row, 0, cols, chunk, i * cols);
          }
          drain(out, ByteBuffer.wrap(chunk, 0, n * cols));
        }
        synchronized (QuantizedRows.this) {
          if (scales == null) {
            scales = s;
          }
        }
      }

      @Override
      public String toString() {
        return name + " (int8 rows)";
      }
    };
  }
}
