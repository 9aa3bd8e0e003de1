package org.mobiedit.core.internal.format.gguf;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;

/**
 * Typed, checked reads of a GGUF file's metadata. A value of the wrong type, out of its range or not a finite number
 * is {@code MODEL_CORRUPT}, naming the file, the key, what was found and what was expected; nothing casts an
 * unchecked value.
 */
public final class GgufMetadata {
  private final Path path;
  private final Map<String, Object> values;

  public GgufMetadata(GgufFile file) {
    this(file.path(), file.metadata());
  }

  GgufMetadata(Path path, Map<String, Object> values) {
    this.path = path;
    this.values = values;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** A string value, or empty when the key is absent. */
  public Optional<String> string(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String)) {
      throw wrongType(key, v, "a string");
    }
    return Optional.of((String) v);
  }

  /** An integer in {@code [min, max]} that the file must have. */
  public int requiredInt(String key, int min, int max) {
    Object v = values.get(key);
    if (v == null) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          path + " lacks the integer metadata " + key + ", which a model file must have. Download or convert the"
              + " model again.");
    }
    return checkedInt(key, v, min, max);
  }

  /** An integer in {@code [min, max]}, or {@code fallback} when the key is absent. */
  public int intOr(String key, int fallback, int min, int max) {
    Object v = values.get(key);
    return v == null ? fallback : checkedInt(key, v, min, max);
  }

  /**
   * A finite number with {@code 0 < value <= max} (floats and integers are accepted), or {@code fallback} when the
   * key is absent.
   */
  public double positiveOr(String key, double fallback, double max) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    double d;
    if (v instanceof Double) {
      d = (Double) v;
    } else if (v instanceof Long) {
      d = (Long) v;
    } else {
      throw wrongType(key, v, "a number");
    }
    if (!(d > 0 && d <= max)) {
      throw outOfRange(key, String.valueOf(d), "a positive number up to " + max);
    }
    return d;
  }

  private int checkedInt(String key, Object v, int min, int max) {
    if (!(v instanceof Long)) {
      throw wrongType(key, v, "an integer");
    }
    long x = (Long) v;
    if (x < min || x > max) {
      throw outOfRange(key, Long.toString(x), "an integer from " + min + " to " + max);
    }
    return (int) x;
  }

  private MobiEditException wrongType(String key, Object v, String expected) {
    return corrupt("metadata " + key + " is " + describe(v) + ", but must be " + expected);
  }

  private MobiEditException outOfRange(String key, String value, String expected) {
    return corrupt("metadata " + key + " is " + value + ", but must be " + expected);
  }

  /** A problem with the model's metadata, naming the file. */
  public MobiEditException corrupt(String why) {
    return new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
        path + " has invalid GGUF metadata: " + why + ". Download or convert the model again.");
  }

  /** A short description of a metadata value for a message (its type, and the value when it is short). */
  static String describe(Object v) {
    if (v instanceof String) {
      return "the string " + Excerpt.quoted((String) v);
    }
    if (v instanceof Long) {
      return "the integer " + v;
    }
    if (v instanceof Double) {
      return "the float " + v;
    }
    if (v instanceof Boolean) {
      return "the bool " + v;
    }
    if (v instanceof long[]) {
      return "an array of " + ((long[]) v).length + " integers";
    }
    if (v instanceof double[]) {
      return "an array of " + ((double[]) v).length + " floats";
    }
    if (v instanceof boolean[]) {
      return "an array of " + ((boolean[]) v).length + " bools";
    }
    if (v instanceof List) {
      return "an array of " + ((List<?>) v).size() + " elements";
    }
    return "a " + v.getClass().getSimpleName();
  }
}
