package org.mobiedit.core.files;

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
 *
 * <p>Nesting is bounded by {@link #MAX_DEPTH}. Gson 2.11 builds the tree without recursion, but its
 * {@code toString}, {@code equals}, {@code hashCode} and {@code deepCopy} recurse, as would any walk of ours; a
 * 100,000-deep array in an unused key would overflow the stack there. The bound is checked on the text before Gson
 * sees it, so every tree this class returns is at most {@link #MAX_DEPTH} deep.
 */
public final class StrictJson {
  /**
   * The deepest nesting of arrays and objects accepted. Model, tokenizer and dataset files nest at most about 8
   * levels; 64 is generous and still a small stack for any recursion over the tree.
   */
  public static final int MAX_DEPTH = 64;

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

  /**
   * Parses one JSON value that must make up the whole text.
   *
   * @throws JsonParseException for malformed JSON, text after the value, or nesting deeper than {@link #MAX_DEPTH}
   */
  public static JsonElement parse(String text) {
    checkDepth(text);
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

  /**
   * Refuses text whose brackets nest deeper than {@link #MAX_DEPTH}. Brackets inside strings do not count. On
   * malformed text the count may be off, but Gson then refuses the text anyway; on valid JSON it is exact.
   */
  private static void checkDepth(String text) {
    int depth = 0;
    int line = 1;
    int lineStart = 0;
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
        if (++depth > MAX_DEPTH) {
          throw new JsonParseException("nested deeper than " + MAX_DEPTH + " levels at line " + line + " column "
              + (i - lineStart + 1));
        }
      } else if (c == ']' || c == '}') {
        depth--;
      } else if (c == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
  }
}
