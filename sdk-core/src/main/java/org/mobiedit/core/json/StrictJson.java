package org.mobiedit.core.json;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;

/**
 * Strict JSON parsing (RFC 8259) for model files. Gson's convenience parser is lenient and would accept a damaged
 * header as valid; a corrupt file must be reported as corrupt.
 */
public final class StrictJson {
  private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

  private StrictJson() {}

  /** Keeps the position of a Gson syntax error and drops its advice about lenient parsing. */
  private static String where(String message) {
    if (message == null) {
      return "malformed JSON";
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("line \\d+ column \\d+").matcher(message);
    return m.find() ? "malformed JSON at " + m.group() : message.split("\n")[0];
  }

  /** Parses one JSON value that must make up the whole text. */
  public static JsonElement parse(String text) {
    try {
      JsonReader r = new JsonReader(new StringReader(text));
      r.setStrictness(Strictness.STRICT);
      JsonElement e = ELEMENT.read(r);
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw new JsonParseException("unexpected text after the JSON value");
      }
      return e;
    } catch (IOException | IllegalStateException e) {
      throw new JsonParseException(where(e.getMessage()), e);
    }
  }
}
