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

  void bytes(byte[] b) throws IOException {
    u32(b.length);
    crc.update(b, 0, b.length);
    out.write(b);
  }

  void floats(float[] v) throws IOException {
    u32(v.length);
    int done = 0;
    while (done < v.length) {
      int take = Math.min(v.length - done, chunk.length / 4);
      ((Buffer) le).clear();
      le.asFloatBuffer().put(v, done, take);
      write(chunk, 4 * take);
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
