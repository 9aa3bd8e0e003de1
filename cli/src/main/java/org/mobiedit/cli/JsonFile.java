package org.mobiedit.cli;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mobiedit.api.MobiEditException;

/**
 * A small JSON file the user gives the command line, read as a {@link TextFile} and parsed strictly with bounded
 * nesting: deeper input is refused before it is parsed (Gson 2.11 builds a tree of any depth, and the code walking
 * it must not meet an untrusted depth).
 */
public final class JsonFile {
  /** Deeper than any file the command line reads (they nest three or four levels). */
  static final int MAX_NESTING = 32;

  private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);
  private static final Pattern POSITION = Pattern.compile("line \\d+ column \\d+");

  private JsonFile() {}

  /**
   * The one JSON value the file holds.
   *
   * @param what what the file should be, for messages ("an edit request file")
   * @throws MobiEditException {@code IO} if it cannot be read, {@code INVALID_REQUEST} if it is too large, not UTF-8
   *     or not JSON
   */
  public static JsonElement read(Path file, long maxBytes, String what) {
    String text = TextFile.read(file, maxBytes, what);
    if (nestedDeeperThan(text, MAX_NESTING)) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " nests arrays or objects more"
          + " than " + MAX_NESTING + " levels deep, so it is not " + what + ".");
    }
    try {
      JsonReader r = new JsonReader(new StringReader(text));
      r.setStrictness(Strictness.STRICT);
      JsonElement e = ELEMENT.read(r);
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw new IOException("more text after the JSON value");
      }
      return e;
    } catch (IOException | RuntimeException e) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " is not valid JSON ("
          + where(e.getMessage()) + "), so it is not " + what + ".");
    }
  }

  /** Whether brackets outside strings nest deeper than {@code limit} (one pass, no recursion). */
  static boolean nestedDeeperThan(String text, int limit) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > limit) {
          return true;
        }
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
    return false;
  }

  /** The position of a Gson syntax error, without its advice about lenient parsing. */
  private static String where(String message) {
    if (message == null) {
      return "malformed";
    }
    Matcher m = POSITION.matcher(message);
    return m.find() ? "malformed at " + m.group() : "malformed";
  }
}
