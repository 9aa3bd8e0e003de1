package org.mobiedit.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The one JSON writer of the command line: stable field order, no HTML escaping, NaN allowed. */
final class Json {
  private static final Gson GSON =
      new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

  private Json() {}

  static String write(Object value) {
    return GSON.toJson(value);
  }
}
