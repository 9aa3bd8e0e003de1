package org.mobiedit.core.files;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParseException;
import org.junit.jupiter.api.Test;

/** StrictJson (used by datasets and reports) refuses lenient syntax and nesting deeper than its bound. */
class StrictJsonTest {
  @Test
  void nestingDeeperThanTheBoundIsAParseErrorNotALaterStackOverflow() {
    String deep = "{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThatThrownBy(() -> StrictJson.parse(deep)).isInstanceOf(JsonParseException.class)
        .hasMessageContaining("nested");
  }

  @Test
  void nestingUpToTheBoundParsesAndPrints() {
    int depth = StrictJson.MAX_DEPTH;
    String json = "[".repeat(depth) + "]".repeat(depth);
    assertEquals(json, StrictJson.parse(json).toString());
    assertThatThrownBy(() -> StrictJson.parse("[" + json + "]")).isInstanceOf(JsonParseException.class);
  }

  @Test
  void bracketsInsideStringsDoNotCount() {
    String json = "[\"" + "[".repeat(1000) + "\\\"{\"]";
    assertEquals(1, StrictJson.parse(json).getAsJsonArray().size());
  }

  @Test
  void lenientSyntaxAndTrailingTextAreRefused() {
    assertThatThrownBy(() -> StrictJson.parse("{a:1}")).isInstanceOf(JsonParseException.class);
    assertThatThrownBy(() -> StrictJson.parse("{} x")).isInstanceOf(JsonParseException.class);
    assertThatThrownBy(() -> StrictJson.parse("[NaN]")).isInstanceOf(JsonParseException.class);
  }
}
