package org.mobiedit.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.files.Utf8Text;

/**
 * A small text file the user gives the command line (a request list, a tokenizer test file, a world file), read
 * whole but bounded ({@link Utf8Text}): a file over the limit is refused before it is read, and bytes that are not
 * UTF-8 (a binary file given by mistake) are reported as such instead of as Java's "Input length = 1".
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
    try {
      return Utf8Text.read(file, maxBytes, problem -> new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          file + " is not " + what + ": " + problem + ". Check that this is the right file."));
    } catch (NoSuchFileException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "No file at " + file + ": give " + what + ".");
    } catch (AccessDeniedException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": permission denied.", e);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage() + ".", e);
    }
  }
}
