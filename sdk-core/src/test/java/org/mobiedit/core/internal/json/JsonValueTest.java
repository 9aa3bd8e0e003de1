package org.mobiedit.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;

/** The checked JSON reader: typed values, field paths in messages, the caller's reason, bounded depth and size. */
class JsonValueTest {
  private static final JsonSource SOURCE =
      new JsonSource("some.json", Reason.TOKENIZER_CORRUPT, "Restore the original file.");

  @TempDir Path dir;

  private static JsonValue json(String text) {
    return JsonValue.parse(text, SOURCE);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> problem(ThrowingCallable read) {
    return assertThatThrownBy(read)
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.TOKENIZER_CORRUPT, e.getReason()))
        .hasMessageStartingWith("some.json: ").hasMessageEndingWith(". Restore the original file.");
  }

  @Test
  void typedValuesAreRead() {
    JsonValue v = json("{\"a\":{\"b\":[1,2.0,3e2]},\"s\":\"x\",\"t\":true,\"n\":null,\"d\":-0.5,\"l\":[\"p\",\"q\"]}");
    assertEquals(List.of(1, 2, 300), v.field("a").field("b").elements().stream().map(e -> e.intIn(0, 300)).toList());
    assertEquals("x", v.field("s").string());
    assertTrue(v.field("t").bool());
    assertFalse(v.field("n").isPresent());
    assertFalse(v.field("missing").isPresent());
    assertNull(v.field("n").stringOrNull());
    assertEquals(7, v.field("n").intOr(7, 0, 10));
    assertEquals(-0.5, v.field("d").number());
    assertEquals(List.of("p", "q"), v.field("l").strings());
    assertTrue(v.field("missing").field("deeper").elementsOrNone().isEmpty());
    assertEquals(Long.MAX_VALUE, json("9223372036854775807").longIn(0, Long.MAX_VALUE));
  }

  @Test
  void aWrongTypeNamesTheFieldPathAndWhatWasFound() {
    JsonValue v = json("{\"rope_scaling\":{\"factor\":\"two\"},\"merges\":[[\"a\"],5]}");
    problem(() -> v.field("rope_scaling").field("factor").positiveNumber())
        .hasMessageContaining("\"rope_scaling.factor\" must be a finite number > 0, found the string \"two\"");
    problem(() -> v.field("merges").elements().get(1).string())
        .hasMessageContaining("\"merges[1]\" must be a string, found 5");
    problem(() -> v.field("merges").elements().get(0).field("x"))
        .hasMessageContaining("\"merges[0]\" must be an object, found an array");
    problem(() -> v.field("absent").string()).hasMessageContaining("\"absent\" is missing");
    problem(() -> json("[]").object()).hasMessageContaining("the top-level value must be an object");
  }

  @Test
  void integersAreNeitherTruncatedNorWrapped() {
    problem(() -> json("64.5").intIn(1, 100)).hasMessageContaining("found 64.5");
    problem(() -> json("1e10").intIn(1, Integer.MAX_VALUE));
    problem(() -> json("2147483648").intIn(0, Integer.MAX_VALUE));
    problem(() -> json("-1").intIn(0, 10));
    problem(() -> json("\"4\"").intIn(0, 10));
    problem(() -> json("true").intIn(0, 10));
    problem(() -> json("null").intIn(0, 10)).hasMessageContaining("found null");
    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
      problem(() -> json("1e999999999").longIn(0, Long.MAX_VALUE));
      problem(() -> json("1e-999999999").longIn(0, Long.MAX_VALUE));
      problem(() -> json("1" + "0".repeat(100_000)).longIn(0, Long.MAX_VALUE));
    });
  }

  @Test
  void numbersMustBeFiniteAndPositiveWhereAsked() {
    problem(() -> json("1e400").number());
    problem(() -> json("0").positiveNumber());
    problem(() -> json("-3").positiveNumber());
    assertEquals(2.5, json("2.5").positiveNumber());
  }

  @Test
  void booleansAreNotReadFromStrings() {
    problem(() -> json("\"true\"").bool());
    problem(() -> json("1").boolOr(false));
  }

  @Test
  void untrustedKeysAndValuesAreCutInMessages() {
    String key = "k".repeat(5000);
    JsonValue v = json("{\"" + key + "\":\"" + "v".repeat(5000) + "\"}");
    problem(() -> v.field(key).intIn(0, 1)).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  @Test
  void nestingDeeperThanTheBoundIsAProblemEvenInAnUnusedField() {
    problem(() -> json("{\"unused\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}"))
        .hasMessageContaining("nested deeper than 64");
  }

  @Test
  void searchesDoNotRecurse() {
    JsonValue v = json("{\"a\":" + "[".repeat(60) + "{\"type\":\"ByteLevel\",\"p\":1}" + "]".repeat(60) + "}");
    assertTrue(v.containsString("ByteLevel"));
    assertFalse(v.containsString("type"));
    assertTrue(v.containsField("p"));
  }

  @Test
  void aFileIsReadWithItsSizeBoundAndStrictUtf8() throws IOException {
    Path f = Files.write(dir.resolve("f.json"), new byte[] {'[', '"', 'a', (byte) 0xe2, (byte) 0x82, '"', ']'});
    problem(() -> JsonValue.read(f, 100, SOURCE)).hasMessageContaining("not UTF-8")
        .hasMessageContaining("at byte 3");
    Files.writeString(f, "[1, 2, 3]");
    assertEquals(3, JsonValue.read(f, 100, SOURCE).elements().size());
    problem(() -> JsonValue.read(f, 5, SOURCE)).hasMessageContaining("9 bytes, more than the 5");
    Files.writeString(f, "\uFEFF[1]");
    assertEquals(1, JsonValue.read(f, 100, SOURCE).elements().size());
  }
}
