package org.mobiedit.core.internal.store;

import java.nio.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/** Writes the little-endian fields of a patch file to a stream, keeping the CRC-32 of every byte written. */
final class PatchOutput {
  private final OutputStream out;
  private final CRC32 crc = new CRC32();
  private final byte[] chunk = new byte[64 * 1024];
  private final ByteBuffer le = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);

  PatchOutput(OutputStream out) {
    this.out = out;
  }

  void u32(int v) throws IOException {
    le.putInt(0, v);
    write(chunk, 4);
  }

  void u64(long v) throws IOException {
    le.putLong(0, v);
    write(chunk, 8);
  }

  void bytes(byte[] b) throws IOException {
    u32(b.length);
    crc.update(b, 0, b.length);
    out.write(b);
  }

  void floats(float[] v) throws IOException {
    values(v.length, 4, (buffer, done, take) -> buffer.asFloatBuffer().put(v, done, take));
  }

  void ints(int[] v) throws IOException {
    values(v.length, 4, (buffer, done, take) -> buffer.asIntBuffer().put(v, done, take));
  }

  void doubles(double[] v) throws IOException {
    values(v.length, 8, (buffer, done, take) -> buffer.asDoubleBuffer().put(v, done, take));
  }

  /** Encodes {@code take} values of an array from {@code done} into the start of the little-endian chunk. */
  @FunctionalInterface
  private interface Encode {
    void from(ByteBuffer buffer, int done, int take);
  }

  /** A u32 count, then {@code n} values of {@code width} bytes, a chunk at a time. */
  private void values(int n, int width, Encode encode) throws IOException {
    u32(n);
    int done = 0;
    while (done < n) {
      int take = Math.min(n - done, chunk.length / width);
      ((Buffer) le).clear();
      encode.from(le, done, take);
      write(chunk, width * take);
      done += take;
    }
  }

  /** Writes the CRC-32 of everything written so far (not itself counted). */
  void checksum() throws IOException {
    le.putInt(0, (int) crc.getValue());
    out.write(chunk, 0, 4);
  }

  private void write(byte[] b, int n) throws IOException {
    crc.update(b, 0, n);
    out.write(b, 0, n);
  }
}
