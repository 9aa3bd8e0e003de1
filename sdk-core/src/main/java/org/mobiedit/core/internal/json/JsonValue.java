package org.mobiedit.core.internal.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.files.StrictJson;
import org.mobiedit.core.files.Utf8Text;

/**
 * A value of a checked JSON file, read through typed accessors: a value of the wrong type, a missing or null
 * required value, a number out of range or not an integer all become a {@link MobiEditException} with the reason
 * of the file's {@link JsonSource}, naming the file and the field path, e.g.
 * {@code config.json: "rope_scaling.factor" must be a number > 0, found -1. Restore ...}.
 *
 * <p>A field that is absent or JSON {@code null} is <em>not present</em>: the {@code ...Or} accessors return their
 * fallback for it, the others report it as missing. Gson's own accessors are never used on untrusted values: they
 * convert silently ({@code "4"} to 4, {@code 64.5} to 64, {@code ["F32"]} to {@code "F32"}, {@code "yes"} to false)
 * or throw unchecked exceptions of many types.
 *
 * <p>Trees come from {@link StrictJson}, so they are at most {@link StrictJson#MAX_DEPTH} deep; the walks here are
 * iterative anyway.
 */
public final class JsonValue {
  /** The longest number text read; longer ones are refused before any conversion (BigDecimal is quadratic). */
  private static final int MAX_NUMBER_CHARS = 64;

  private final JsonSource source;
  private final @Nullable JsonElement element;
  private final @Nullable JsonValue parent;
  private final @Nullable String key;
  private final int index;

  private JsonValue(JsonSource source, @Nullable JsonElement element, @Nullable JsonValue parent,
      @Nullable String key, int index) {
    this.source = source;
    this.element = element;
    this.parent = parent;
    this.key = key;
    this.index = index;
  }

  /** Reads a JSON file of at most {@code maxBytes} bytes. IOException only for failures to read the file. */
  public static JsonValue read(Path file, long maxBytes, JsonSource source) throws IOException {
    return parse(Utf8Text.read(file, maxBytes, source::problem), source);
  }

  /** Parses JSON text; a syntax error or too deep nesting is reported through {@code source}. */
  public static JsonValue parse(String text, JsonSource source) {
    try {
      return new JsonValue(source, StrictJson.parse(text), null, null, -1);
    } catch (JsonParseException e) {
      throw source.problem("the text is not valid JSON (" + Excerpt.escaped(String.valueOf(e.getMessage())) + ")");
    }
  }

  // ---------------------------------------------------------------- shape

  /** True unless the value is absent or JSON null. */
  public boolean isPresent() {
    return element != null && !element.isJsonNull();
  }

  public boolean isObject() {
    return element != null && element.isJsonObject();
  }

  public boolean isArray() {
    return element != null && element.isJsonArray();
  }

  public boolean isString() {
    return element != null && element.isJsonPrimitive() && element.getAsJsonPrimitive().isString();
  }

  // ---------------------------------------------------------------- navigation

  /** This value, which must be an object. */
  public JsonValue object() {
    if (!isObject()) {
      throw mustBe("an object");
    }
    return this;
  }

  /**
   * The field {@code name} of this object; not present if this value is not present either (so optional objects
   * can be read through), a problem if this value is present but not an object.
   */
  public JsonValue field(String name) {
    if (!isPresent()) {
      return new JsonValue(source, null, this, name, -1);
    }
    if (!isObject()) {
      throw mustBe("an object");
    }
    return new JsonValue(source, element.getAsJsonObject().get(name), this, name, -1);
  }

  /** The fields of this object, in file order. */
  public Map<String, JsonValue> fields() {
    if (!isObject()) {
      throw mustBe("an object");
    }
    Map<String, JsonValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
      out.put(e.getKey(), new JsonValue(source, e.getValue(), this, e.getKey(), -1));
    }
    return out;
  }

  /** The elements of this array. */
  public List<JsonValue> elements() {
    if (!isArray()) {
      throw mustBe("an array");
    }
    JsonArray a = element.getAsJsonArray();
    List<JsonValue> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(new JsonValue(source, a.get(i), this, null, i));
    }
    return out;
  }

  /** The elements of this array, or none when the value is not present. */
  public List<JsonValue> elementsOrNone() {
    return isPresent() ? elements() : Collections.emptyList();
  }

  // ---------------------------------------------------------------- typed values

  public String string() {
    if (!isString()) {
      throw mustBe("a string");
    }
    return element.getAsString();
  }

  /** The string, or null when the value is not present. */
  public @Nullable String stringOrNull() {
    return isPresent() ? string() : null;
  }

  /** An array of strings. */
  public List<String> strings() {
    List<String> out = new ArrayList<>();
    for (JsonValue v : elements()) {
      if (!v.isString()) {
        throw mustBe("an array of strings");
      }
      out.add(v.string());
    }
    return out;
  }

  public boolean bool() {
    if (element == null || !element.isJsonPrimitive() || !element.getAsJsonPrimitive().isBoolean()) {
      throw mustBe("true or false");
    }
    return element.getAsBoolean();
  }

  public boolean boolOr(boolean fallback) {
    return isPresent() ? bool() : fallback;
  }

  /** An integer from {@code min} to {@code max}; 1.0 and 1e3 are integers, 1.5 is not, "1" is a string. */
  public long longIn(long min, long max) {
    String what = "an integer from " + min + " to " + max;
    BigDecimal v = decimal(what);
    if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0
        || (v.signum() != 0 && v.stripTrailingZeros().scale() > 0)) {
      throw mustBe(what);
    }
    return v.longValueExact();
  }

  public int intIn(int min, int max) {
    return (int) longIn(min, max);
  }

  public int intOr(int fallback, int min, int max) {
    return isPresent() ? intIn(min, max) : fallback;
  }

  /** A finite number. */
  public double number() {
    return finite(decimal("a finite number").doubleValue(), "a finite number");
  }

  /** A finite number greater than 0. */
  public double positiveNumber() {
    double d = finite(decimal("a finite number > 0").doubleValue(), "a finite number > 0");
    if (!(d > 0)) {
      throw mustBe("a finite number > 0");
    }
    return d;
  }

  public double positiveNumberOr(double fallback) {
    return isPresent() ? positiveNumber() : fallback;
  }

  private double finite(double d, String what) {
    if (!Double.isFinite(d)) {
      throw mustBe(what);
    }
    return d;
  }

  private BigDecimal decimal(String what) {
    if (element == null || !element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()) {
      throw mustBe(what);
    }
    String text = element.getAsString();
    if (text.length() > MAX_NUMBER_CHARS) {
      throw mustBe(what);
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) { // strict JSON numbers always parse; kept for safety
      throw mustBe(what);
    }
  }

  // ---------------------------------------------------------------- searches

  /** True when a string equal to {@code text} occurs anywhere in this value (not counting field names). */
  public boolean containsString(String text) {
    return anyNode(e -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() && e.getAsString().equals(text));
  }

  /** True when a field named {@code name} occurs anywhere in this value. */
  public boolean containsField(String name) {
    return anyNode(e -> e.isJsonObject() && e.getAsJsonObject().has(name));
  }

  /** Whether any node of this value (itself included) passes the test; iterative, so depth costs no stack. */
  private boolean anyNode(Predicate<JsonElement> test) {
    Deque<JsonElement> todo = new ArrayDeque<>();
    if (element != null) {
      todo.push(element);
    }
    while (!todo.isEmpty()) {
      JsonElement e = todo.pop();
      if (test.test(e)) {
        return true;
      }
      if (e.isJsonObject()) {
        e.getAsJsonObject().entrySet().forEach(f -> todo.push(f.getValue()));
      } else if (e.isJsonArray()) {
        e.getAsJsonArray().forEach(todo::push);
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- problems

  /**
   * Where this value is, e.g. {@code rope_scaling.factor} or {@code model.merges[3]}; empty for the top-level
   * value. Field names are escaped and cut (they are untrusted text).
   */
  public String path() {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonValue v = this; v.parent != null; v = v.parent) {
      parts.push(v.key != null ? (v.parent.parent == null ? "" : ".") + Excerpt.escaped(v.key) : "[" + v.index + "]");
    }
    return String.join("", parts);
  }

  /** A problem with this value: {@code what} follows its quoted path, e.g. "must be even". */
  public MobiEditException problem(String what) {
    String path = path();
    return source.problem((path.isEmpty() ? "the top-level value" : "\"" + path + "\"") + " " + what);
  }

  /** The file this value comes from. */
  public JsonSource source() {
    return source;
  }

  private MobiEditException mustBe(String what) {
    return problem(element == null ? "is missing (it must be " + what + ")" : "must be " + what + ", found "
        + describe(element));
  }

  private static String describe(JsonElement e) {
    if (e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonObject()) {
      return "an object";
    }
    if (e.isJsonArray()) {
      return "an array";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isString()) {
      return "the string " + Excerpt.quoted(p.getAsString());
    }
    return Excerpt.escaped(p.getAsString());
  }
}
