package org.mobiedit.core.internal.format;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mobiedit.api.MobiEditException;

/**
 * Sequential little-endian reads of a file header, with the position tracked and every short read turned into a
 * clear "truncated" error naming the file.
 */
public final class LittleEndianInput implements AutoCloseable {
  private final Path path;
  private final InputStream in;
  private final long fileSize;
  private long position;

  public LittleEndianInput(Path path) {
    this.path = path;
    try {
      this.fileSize = Files.size(path);
      this.in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the {@code length} bytes at {@code offset} of {@code channel} (named {@code name} in messages) with
   * positional reads: the channel's own position is not used, and closing this input leaves the channel open.
   */
  public LittleEndianInput(Path name, FileChannel channel, long offset, long length) {
    this.path = name;
    this.fileSize = length;
    this.in = new BufferedInputStream(new ChannelSlice(channel, offset, length), 1 << 16);
  }

  /** An input stream over a slice of a channel, by positional reads. */
  private static final class ChannelSlice extends InputStream {
    private final FileChannel channel;
    private final long end;
    private long at;

    ChannelSlice(FileChannel channel, long offset, long length) {
      this.channel = channel;
      this.at = offset;
      this.end = offset + length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (at >= end) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - at)), at);
      if (n > 0) {
        at += n;
      }
      return n;
    }
  }

  public long position() {
    return position;
  }

  public long fileSize() {
    return fileSize;
  }

  public Path path() {
    return path;
  }

  /** Bytes left between the current position and the end of the file. */
  public long remaining() {
    return fileSize - position;
  }

  /**
   * Fails with MODEL_CORRUPT when fewer than {@code n} bytes remain. Every read goes through here, so no length
   * taken from the file can make a reader allocate more than the bytes the file still has.
   */
  public void require(long n, String what) {
    if (n < 0 || n > fileSize - position) {
      throw truncated(what, n);
    }
  }

  private MobiEditException truncated(String what, long n) {
    return new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
        path + " is truncated or corrupt: reading " + what + " needs " + n + " bytes at offset " + position
            + " but the file has " + fileSize + " bytes. Download or convert the model again.");
  }

  public byte[] bytes(int n, String what) {
    require(n, what);
    byte[] b = new byte[n];
    try {
      for (int read = 0; read < n; ) {
        int r = in.read(b, read, n - read);
        if (r < 0) {
          throw new EOFException();
        }
        read += r;
      }
    } catch (IOException e) {
      throw truncated(what, n);
    }
    position += n;
    return b;
  }

  public void skip(long n, String what) {
    require(n, what);
    try {
      long left = n;
      while (left > 0) {
        long s = in.skip(left);
        if (s <= 0) {
          throw new EOFException();
        }
        left -= s;
      }
    } catch (IOException e) {
      throw truncated(what, n);
    }
    position += n;
  }

  public int u8(String what) {
    return bytes(1, what)[0] & 0xff;
  }

  public int i32(String what) {
    byte[] b = bytes(4, what);
    return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
  }

  public long i64(String what) {
    byte[] b = bytes(8, what);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  public int i16(String what) {
    byte[] b = bytes(2, what);
    return (short) ((b[0] & 0xff) | (b[1] & 0xff) << 8);
  }

  /**
   * UTF-8 text of {@code n} bytes (at most the bytes remaining: {@link #bytes} checks before it allocates). Invalid
   * UTF-8 is decoded with replacement characters.
   */
  public String utf8(long n, String what) {
    if (n > Integer.MAX_VALUE - 8) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          path + " is corrupt: " + what + " claims a length of " + n + " bytes.");
    }
    byte[] b = bytes((int) n, what);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      // GGUF vocabularies may hold raw byte pieces; keep them lossless as Latin-1 is not an option, so replace.
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // read-only
    }
  }
}
