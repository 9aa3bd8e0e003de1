package org.mobiedit.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import java.nio.file.Path;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.files.StrictJson;

/**
 * A small JSON file the user gives the command line, read as a {@link TextFile} (size and UTF-8 checked) and parsed
 * by {@link StrictJson}: strict syntax and at most {@link StrictJson#MAX_DEPTH} levels of nesting, refused before a
 * tree is built, so nothing that walks it meets an untrusted depth.
 */
public final class JsonFile {
  private JsonFile() {}

  /**
   * The one JSON value the file holds.
   *
   * @param what what the file should be, for messages ("an edit request file")
   * @throws MobiEditException {@code IO} if it cannot be read, {@code INVALID_REQUEST} if it is too large, not UTF-8,
   *     not JSON or nested too deeply
   */
  public static JsonElement read(Path file, long maxBytes, String what) {
    String text = TextFile.read(file, maxBytes, what);
    try {
      return StrictJson.parse(text);
    } catch (JsonParseException e) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " is not valid JSON ("
          + Excerpt.escaped(String.valueOf(e.getMessage())) + "), so it is not " + what + ".");
    }
  }
}
