package org.mobiedit.backend.cpu.memory;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.mobiedit.api.MobiEditException;

/**
 * The rows of one weight matrix outside the Java heap, in direct buffers: float32 (little-endian) or int8 elements,
 * row after row. A buffer holds at most {@value #DEFAULT_CHUNK_BYTES} bytes of whole rows, so a matrix may exceed
 * the 2 GiB a single buffer addresses. Kernels never read these buffers element by element: they copy a few rows at
 * a time into a small heap panel ({@link #copyFloats}, {@link #copyBytes}) that stays in the core's cache while every
 * token of a chunk is multiplied with it. That copy costs one pass over the weights, which a product makes anyway, and
 * lets the kernels run on arrays, which the JIT compiles better than buffer reads.
 *
 * <p>Written once while the model loads (one thread), then only read; reads are safe from any number of threads
 * because each works on its own view of the buffers.
 */
public final class DirectRows {
  /** Bytes per buffer: whole rows, at most 1 GiB. */
  static final int DEFAULT_CHUNK_BYTES = 1 << 30;

  private final int rows;
  private final int elementBytes;
  private final int rowElements;
  private final int rowsPerChunk;
  private final ByteBuffer[] chunks;

  private DirectRows(int rows, int rowElements, int elementBytes, int chunkBytes) {
    this.rows = rows;
    this.rowElements = rowElements;
    this.elementBytes = elementBytes;
    long rowBytes = (long) rowElements * elementBytes;
    if (rowBytes > chunkBytes) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          "A weight row of " + rowElements + " elements does not fit one buffer: the CPU backend supports rows up to "
              + chunkBytes / elementBytes + " elements.");
    }
    this.rowsPerChunk = rowBytes == 0 ? Math.max(1, rows) : (int) Math.min(rows, chunkBytes / rowBytes);
    int count = rows == 0 ? 0 : (rows + rowsPerChunk - 1) / rowsPerChunk;
    this.chunks = new ByteBuffer[count];
    for (int c = 0; c < count; c++) {
      int n = Math.min(rowsPerChunk, rows - c * rowsPerChunk);
      chunks[c] = allocate((long) n * rowBytes);
    }
  }

  /** Room for {@code rows × cols} float32 elements. */
  public static DirectRows floats(int rows, int cols) {
    return new DirectRows(rows, cols, Float.BYTES, DEFAULT_CHUNK_BYTES);
  }

  /** Room for {@code rows × cols} int8 elements. */
  public static DirectRows bytes(int rows, int cols) {
    return new DirectRows(rows, cols, 1, DEFAULT_CHUNK_BYTES);
  }

  /** As {@link #floats} or {@link #bytes} with smaller buffers, so tests reach rows that straddle two of them. */
  static DirectRows withChunkBytes(int rows, int cols, int elementBytes, int chunkBytes) {
    return new DirectRows(rows, cols, elementBytes, chunkBytes);
  }

  private static ByteBuffer allocate(long bytes) {
    try {
      return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    } catch (OutOfMemoryError e) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
          "No room for " + bytes + " bytes of model weights outside the Java heap (" + e.getMessage() + "): load the"
              + " model in int8 precision, use a smaller model, or allow more direct memory (-XX:MaxDirectMemorySize,"
              + " e.g. MOBIEDIT_JAVA_OPTS=-XX:MaxDirectMemorySize=16g for the mobiedit command).", e);
    }
  }

  public int rows() {
    return rows;
  }

  /** Bytes held. */
  public long bytes() {
    return (long) rows * rowElements * elementBytes;
  }

  /** Writes row {@code r} from {@code src[off ..]} (float32 storage only). */
  public void putFloats(int r, float[] src, int off) {
    FloatBuffer b = view(r).asFloatBuffer();
    b.put(src, off, rowElements);
  }

  /** Writes row {@code r} from {@code src[off ..]} (int8 storage only). */
  public void putBytes(int r, byte[] src, int off) {
    view(r).put(src, off, rowElements);
  }

  /** Copies rows {@code [r, r + count)} into {@code dst[0 ..]}, row after row (float32 storage only). */
  public void copyFloats(int r, int count, float[] dst) {
    int done = 0;
    while (done < count) {
      int n = Math.min(count - done, rowsPerChunk - (r + done) % rowsPerChunk);
      view(r + done).asFloatBuffer().get(dst, done * rowElements, n * rowElements);
      done += n;
    }
  }

  /** Copies rows {@code [r, r + count)} into {@code dst[0 ..]}, row after row (int8 storage only). */
  public void copyBytes(int r, int count, byte[] dst) {
    int done = 0;
    while (done < count) {
      int n = Math.min(count - done, rowsPerChunk - (r + done) % rowsPerChunk);
      view(r + done).get(dst, done * rowElements, n * rowElements);
      done += n;
    }
  }

  /** A view of the buffer holding row {@code r}, positioned at it and limited to its buffer's end. */
  private ByteBuffer view(int r) {
    if (r < 0 || r >= rows) {
      throw new IndexOutOfBoundsException("row " + r + " of " + rows);
    }
    ByteBuffer b = chunks[r / rowsPerChunk].duplicate().order(ByteOrder.LITTLE_ENDIAN);
    ((Buffer) b).position((r % rowsPerChunk) * rowElements * elementBytes);
    return b;
  }
}
