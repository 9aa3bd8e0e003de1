package org.mobiedit.core.internal.format;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.Tensor;

/**
 * A tensor read in place from a memory-mapped file. The bytes are mapped in pieces of whole rows, each under 1 GiB,
 * so tensors (and files) larger than 2 GiB work. Pieces are mapped on first read.
 */
public final class MappedTensor implements Tensor {
  private static final long PIECE_BYTES = 1L << 30;

  private final String name;
  private final DType dtype;
  private final long[] shape;
  private final MappedFile file;
  private final long offset;
  private final long rowElements;
  private final long rowBytes;
  private final long rowsPerPiece;
  private final long totalRows;
  private final ByteBuffer[] pieces;

  /**
   * Checks the tensor's shape, type and extent against its file before anything is allocated or mapped: the element
   * count and byte size must fit in 64 bits, rows must be whole blocks of the type, and the bytes must lie inside the
   * file. A violation is {@code MODEL_CORRUPT} naming the file and the tensor.
   *
   * @param offset absolute byte offset of the tensor's data in {@code file}
   */
  public MappedTensor(String name, DType dtype, long[] shape, MappedFile file, long offset) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape.clone();
    this.file = file;
    this.offset = offset;
    long elements = 1;
    for (long d : this.shape) {
      if (d < 0) {
        throw corrupt(file, name, "has a negative dimension in its shape " + Arrays.toString(this.shape));
      }
      elements = multiply(elements, d, file, name);
    }
    this.rowElements = this.shape.length == 0 ? 1 : this.shape[this.shape.length - 1];
    if (rowElements % dtype.blockSize() != 0) {
      throw corrupt(file, name, "has rows of " + rowElements + " elements, which is not a multiple of the " + dtype
          + " block size " + dtype.blockSize());
    }
    this.rowBytes = multiply(rowElements / dtype.blockSize(), dtype.blockBytes(), file, name);
    this.totalRows = rowElements == 0 ? 0 : elements / rowElements;
    long bytes = multiply(rowBytes, totalRows, file, name);
    if (offset < 0 || offset > file.size() || bytes > file.size() - offset) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          file.path() + " is truncated or corrupt: tensor " + Excerpt.quoted(name) + " needs bytes " + offset
              + " to " + (offset + bytes) + " but the file has " + file.size() + ". Download or convert the model"
              + " again.");
    }
    if (rowBytes > PIECE_BYTES) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          "Tensor " + Excerpt.quoted(name) + " in " + file.path() + " has a single row of " + rowBytes + " bytes;"
              + " rows over 1 GiB are not supported.");
    }
    this.rowsPerPiece = Math.max(1, PIECE_BYTES / Math.max(1, rowBytes));
    // At most size / 1 GiB + 1 pieces, now that the bytes are known to lie inside the file.
    this.pieces = new ByteBuffer[(int) ((totalRows + rowsPerPiece - 1) / rowsPerPiece)];
  }

  private static long multiply(long a, long b, MappedFile file, String name) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw corrupt(file, name, "has a shape whose size overflows 64 bits");
    }
  }

  private static MobiEditException corrupt(MappedFile file, String name, String why) {
    return new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
        "Tensor " + Excerpt.quoted(name) + " in " + file.path() + " " + why + ". Download or convert the model"
            + " again.");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The absolute byte offset of the data in its file. */
  public long fileOffset() {
    return offset;
  }

  public MappedFile file() {
    return file;
  }

  private ByteBuffer piece(int index) {
    ByteBuffer b = pieces[index];
    if (b == null) {
      synchronized (this) {
        b = pieces[index];
        if (b == null) {
          long firstRow = (long) index * rowsPerPiece;
          long rows = Math.min(rowsPerPiece, totalRows - firstRow);
          b = file.map(offset + firstRow * rowBytes, rows * rowBytes);
          pieces[index] = b;
        }
      }
    }
    return b;
  }

  @Override
  public void read(long start, float[] dst, int dstOffset, int count) {
    if (!file.isOpen()) {
      throw new IllegalStateException("tensor " + name + " was released: its file " + file.path() + " is closed");
    }
    long total = totalRows * rowElements;
    if (start < 0 || count < 0 || start + count > total) {
      throw new IndexOutOfBoundsException(
          "read of " + count + " elements at " + start + " outside tensor " + name + " of " + total);
    }
    int block = dtype.blockSize();
    if (start % block != 0 || count % block != 0) {
      throw new IllegalArgumentException(dtype + " reads must start and end on a block of " + block);
    }
    long e = start;
    int out = dstOffset;
    int remaining = count;
    while (remaining > 0) {
      long row = e / rowElements;
      long col = e % rowElements;
      int n = (int) Math.min(remaining, rowElements - col);
      int pieceIndex = (int) (row / rowsPerPiece);
      long rowInPiece = row % rowsPerPiece;
      int pos = (int) (rowInPiece * rowBytes + dtype.bytesFor(col));
      Dequantizer.decode(dtype, piece(pieceIndex), pos, dst, out, n);
      e += n;
      out += n;
      remaining -= n;
    }
  }

  @Override
  public void readStoredRow(int row, byte[] dst, int dstOffset) {
    if (!file.isOpen()) {
      throw new IllegalStateException("tensor " + name + " was released: its file " + file.path() + " is closed");
    }
    if (row < 0 || row >= totalRows) {
      throw new IndexOutOfBoundsException("row " + row + " outside tensor " + name + " of " + totalRows + " rows");
    }
    int pieceIndex = (int) (row / rowsPerPiece);
    ByteBuffer b = piece(pieceIndex).duplicate();
    ((Buffer) b).position((int) ((row % rowsPerPiece) * rowBytes));
    b.get(dst, dstOffset, (int) rowBytes);
  }

  /** Copies raw stored bytes (for fingerprints): up to {@code n} bytes from byte {@code at} of the data. */
  byte[] rawBytes(long at, int n) {
    long size = rowBytes * totalRows;
    int len = (int) Math.max(0, Math.min(n, size - at));
    byte[] out = new byte[len];
    for (int i = 0; i < len; i++) {
      long b = at + i;
      long row = b / rowBytes;
      int pieceIndex = (int) (row / rowsPerPiece);
      long inPiece = b - (long) pieceIndex * rowsPerPiece * rowBytes;
      out[i] = piece(pieceIndex).get((int) inPiece);
    }
    return out;
  }

  /** Unmaps the pieces mapped so far; a later read maps them again. */
  @Override
  public synchronized void releaseResident() {
    for (int i = 0; i < pieces.length; i++) {
      ByteBuffer b = pieces[i];
      if (b != null) {
        pieces[i] = null;
        if (file.isOpen()) {
          file.unmap(b);
        }
      }
    }
  }

  @Override
  public long storageBytes() {
    return rowBytes * totalRows;
  }
}
