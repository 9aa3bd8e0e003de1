package org.mobiedit.core.files;

import java.nio.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Text files read with a size bound and strict UTF-8: a file larger than its kind can be is refused before it is
 * read, and a byte sequence that is not UTF-8 is the file's corruption, reported in the caller's words, not an I/O
 * error such as Java's "Input length = 1".
 */
public final class Utf8Text {
  private Utf8Text() {}

  /**
   * The whole file as text, its content's problems worded by the caller. A pipe or other stream that is not a
   * regular file (a shell's {@code <(...)}) is read up to the bound.
   *
   * <pre>{@code
   * String text = Utf8Text.read(file, 1 << 20, what -> new MobiEditException(Reason.INVALID_REQUEST,
   *     file + " is not a request file: " + what + "."));
   * }</pre>
   *
   * @param problem makes the exception to throw from what is wrong with the content ("the text is not UTF-8 (an
   *     invalid byte sequence at byte 7)"; a phrase without a final period): a file larger than {@code maxBytes}
   *     (refused before it is read), or bytes that are not UTF-8
   * @throws IOException only for failures to read the file (missing, permissions)
   */
  public static String read(Path file, long maxBytes, Function<String, ? extends RuntimeException> problem)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      return decode(readStream(file, maxBytes, problem), problem);
    }
    long size = Files.size(file);
    if (size > maxBytes) {
      throw problem.apply("the file has " + size + " bytes, more than the " + maxBytes + " such a file can have");
    }
    byte[] bytes = new byte[(int) size];
    try (InputStream in = Files.newInputStream(file)) {
      int n = 0;
      while (n < bytes.length) {
        int r = in.read(bytes, n, bytes.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      if (n < bytes.length || in.read() >= 0) {
        throw new IOException(file + " changed while it was being read");
      }
    }
    return decode(bytes, problem);
  }

  /** The bytes decoded as strict UTF-8; an invalid sequence is reported through {@code problem}. */
  public static String decode(byte[] bytes, Function<String, ? extends RuntimeException> problem) {
    return decode(bytes, 0, bytes.length, problem);
  }

  /** {@code length} bytes from {@code offset} decoded as strict UTF-8, as {@link #decode(byte[], Function)}. */
  public static String decode(byte[] bytes, int offset, int length,
      Function<String, ? extends RuntimeException> problem) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    CharBuffer out = CharBuffer.allocate(length); // UTF-8 never has more UTF-16 units than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw problem.apply("the text is not UTF-8 (an invalid byte sequence at byte " + (in.position() - offset)
          + ")");
    }
    ((Buffer) out).flip();
    return out.toString();
  }

  /** A stream's bytes, refused once it has more than {@code maxBytes}. */
  private static byte[] readStream(Path file, long maxBytes, Function<String, ? extends RuntimeException> problem)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r; (r = in.read(buffer)) >= 0; ) {
        if (out.size() + (long) r > maxBytes) {
          throw problem.apply("it holds more than the " + maxBytes + " bytes such a file can have");
        }
        out.write(buffer, 0, r);
      }
    }
    return out.toByteArray();
  }
}
