package org.mobiedit.core.internal.store;

import java.nio.Buffer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Reads the fields of a patch file front to back from a stream of known length, in bounded memory: every length is
 * checked against the bytes left before the trailing checksum and against a limit before anything is allocated, so
 * a huge or hostile file fails at its first implausible field. The CRC-32 of every byte read is kept on the way.
 */
final class PatchInput {
  /** Bytes per chunk read from the stream (floats are decoded chunk by chunk). */
  private static final int CHUNK = 64 * 1024;

  /** A field that cannot be what it claims; the message names the field and says why. */
  static final class Implausible extends Exception {
    private static final long serialVersionUID = 1L;

    Implausible(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private final CRC32 crc = new CRC32();
  private final byte[] chunk;
  private final ByteBuffer le;
  /** Bytes of content left before the 4-byte checksum. */
  private long remaining;

  /** @param length the stream's length in bytes, checksum included (at least 4) */
  PatchInput(InputStream in, long length) {
    this.in = in;
    this.remaining = length - 4;
    this.chunk = new byte[(int) Math.min(CHUNK, Math.max(8, remaining))];
    this.le = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** What is read from a file's input: the file's length is known ({@code size}, checksum included). */
  @FunctionalInterface
  interface Body<T> {
    T read(PatchInput in, long size) throws IOException, Implausible;
  }

  /** Opens {@code file} and reads it front to back with {@code body}, buffered. */
  static <T> T read(Path file, Body<T> body) throws IOException, Implausible {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        InputStream stream = new BufferedInputStream(Channels.newInputStream(channel), CHUNK)) {
      long size = channel.size();
      return body.read(new PatchInput(stream, size), size);
    }
  }

  /** Bytes of content not read yet (the checksum excluded). */
  long remaining() {
    return remaining;
  }

  int u32(String field) throws IOException, Implausible {
    fill(4, field);
    return le.getInt(0);
  }

  /** A count or length: a u32 that must be at most {@code max}. */
  int count(String field, long max) throws IOException, Implausible {
    long n = Integer.toUnsignedLong(u32(field));
    if (n > max) {
      throw new Implausible(field + " is " + n + ", more than the " + max + " it can be");
    }
    return (int) n;
  }

  /** A u32 byte length, at most {@code maxBytes} and the bytes left, then that many bytes of UTF-8. */
  String string(String field, int maxBytes) throws IOException, Implausible {
    long n = Integer.toUnsignedLong(u32(field + " length"));
    if (n > maxBytes) {
      throw new Implausible(field + " claims " + n + " bytes, more than the " + maxBytes + " it can have");
    }
    checkLeft(n, field);
    byte[] bytes = new byte[(int) n];
    read(bytes, 0, bytes.length, field);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  long u64(String field) throws IOException, Implausible {
    fill(8, field);
    return le.getLong(0);
  }

  /** A u32 count, at most {@code maxCount} and what the bytes left hold, then that many little-endian floats. */
  float[] floats(String field, int maxCount) throws IOException, Implausible {
    float[] v = new float[counted(field, maxCount, 4)];
    read(v.length, 4, field, (buffer, done, take) -> buffer.asFloatBuffer().get(v, done, take));
    return v;
  }

  /** As {@link #floats}, for 32-bit integers. */
  int[] ints(String field, int maxCount) throws IOException, Implausible {
    int[] v = new int[counted(field, maxCount, 4)];
    read(v.length, 4, field, (buffer, done, take) -> buffer.asIntBuffer().get(v, done, take));
    return v;
  }

  /** As {@link #floats}, for 64-bit floats. */
  double[] doubles(String field, int maxCount) throws IOException, Implausible {
    double[] v = new double[counted(field, maxCount, 8)];
    read(v.length, 8, field, (buffer, done, take) -> buffer.asDoubleBuffer().get(v, done, take));
    return v;
  }

  /** Decodes {@code take} values from the start of the little-endian chunk into an array from {@code done}. */
  @FunctionalInterface
  private interface Decode {
    void into(ByteBuffer buffer, int done, int take);
  }

  /** A u32 count of values of {@code width} bytes, at most {@code maxCount} and what the bytes left hold. */
  private int counted(String field, int maxCount, int width) throws IOException, Implausible {
    int n = count(field + " length", maxCount);
    checkLeft((long) width * n, field);
    return n;
  }

  private void read(int n, int width, String field, Decode decode) throws IOException, Implausible {
    int done = 0;
    while (done < n) {
      int take = Math.min(n - done, chunk.length / width);
      fill(width * take, field);
      ((Buffer) le).clear();
      ((Buffer) le).limit(width * take);
      decode.into(le, done, take);
      ((Buffer) le).clear();
      done += take;
    }
  }

  /** Reads the stored checksum (after every field) and says whether it matches the bytes read. */
  boolean checksumMatches() throws IOException, Implausible {
    if (remaining != 0) {
      throw new IllegalStateException(remaining + " bytes of content were not read");
    }
    byte[] b = new byte[4];
    int off = 0;
    while (off < 4) {
      int r = in.read(b, off, 4 - off);
      if (r < 0) {
        throw new Implausible("the file ends inside its checksum");
      }
      off += r;
    }
    int stored = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return stored == (int) crc.getValue();
  }

  private void checkLeft(long n, String field) throws Implausible {
    if (n > remaining) {
      throw new Implausible(field + " claims " + n + " bytes but only " + remaining + " are left in the file");
    }
  }

  /** Reads {@code n} (at most one chunk) bytes into the start of the chunk. */
  private void fill(int n, String field) throws IOException, Implausible {
    checkLeft(n, field);
    read(chunk, 0, n, field);
  }

  private void read(byte[] into, int off, int n, String field) throws IOException, Implausible {
    int done = 0;
    while (done < n) {
      int r = in.read(into, off + done, n - done);
      if (r < 0) {
        throw new Implausible("the file ends inside " + field + " (it is shorter than its size said)");
      }
      done += r;
    }
    crc.update(into, off, n);
    remaining -= n;
  }
}
