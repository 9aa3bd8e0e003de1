package org.mobiedit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.mobiedit.api.MobiEditException;

/**
 * A small text file the user gives the command line (a request list, a tokenizer test file, a world file), read
 * whole but bounded: a file over the limit is refused before it is read, and bytes that are not UTF-8 (a binary
 * file given by mistake) are reported as such instead of as Java's "Input length = 1".
 */
public final class TextFile {
  private TextFile() {}

  /**
   * The file's text.
   *
   * @param what what the file should be, for messages ("an edit request file")
   * @throws MobiEditException {@code IO} if it cannot be read, {@code INVALID_REQUEST} if it is larger than
   *     {@code maxBytes} or not UTF-8
   */
  public static String read(Path file, long maxBytes, String what) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    } catch (NoSuchFileException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "No file at " + file + ": give " + what + ".");
    } catch (AccessDeniedException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": permission denied.", e);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage() + ".", e);
    }
    if (bytes.length > maxBytes) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " is larger than "
          + size(maxBytes) + ", too large for " + what + ": check that this is the right file.");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " is not UTF-8 text (a binary"
          + " file?), so it is not " + what + ": check that this is the right file.");
    }
  }

  static String size(long bytes) {
    return bytes >= 1L << 20 ? String.format(Locale.ROOT, "%d MiB", bytes >> 20)
        : String.format(Locale.ROOT, "%d KiB", bytes >> 10);
  }
}
