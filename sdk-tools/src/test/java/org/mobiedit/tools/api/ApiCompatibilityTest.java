package org.mobiedit.tools.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules, one change at a time against a released signature. */
class ApiCompatibilityTest {
  private static final List<String> RELEASED = List.of(
      "type a.Editor: public abstract interface extends java.lang.AutoCloseable",
      "method a.Editor#edit(a.Request): public abstract a.Result",
      "method a.Editor#name(): public default java.lang.String",
      "type a.Request: public final class",
      "constructor a.Request(java.lang.String): public",
      "method a.Request#of(java.lang.String): public static a.Request",
      "field a.Request#LIMIT: public static final int = 600",
      "type a.Listener: public abstract class",
      "method a.Listener#onStep(int): public void",
      "type a.Open: public class",
      "method a.Open#run(): public void");

  private static List<String> breaks(String... changed) {
    return compare(changed).breaks();
  }

  private static ApiCompatibility compare(String... changed) {
    java.util.Map<String, String> now = new java.util.TreeMap<>(ApiSignature.parse(RELEASED).elements());
    for (String line : changed) {
      int colon = line.indexOf(": ");
      if (line.startsWith("-")) {
        now.remove(line.substring(1));
      } else {
        now.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    List<String> lines = new java.util.ArrayList<>();
    now.forEach((k, v) -> lines.add(k + ": " + v));
    return ApiCompatibility.compare(ApiSignature.parse(RELEASED), ApiSignature.parse(lines));
  }

  @Test
  void theSameApiBreaksNothing() {
    assertThat(breaks()).isEmpty();
  }

  @Test
  void removalsAndChangedTypesBreak() {
    assertThat(breaks("-method a.Request#of(java.lang.String)")).singleElement().asString().contains("removed");
    assertThat(breaks("-type a.Listener")).singleElement().asString().contains("removed");
    assertThat(breaks("method a.Editor#edit(a.Request): public abstract a.Other"))
        .singleElement().asString().contains("return type");
    assertThat(breaks("field a.Request#LIMIT: public static final int = 200"))
        .singleElement().asString().contains("constant value");
    assertThat(breaks("type a.Editor: public abstract interface")).singleElement().asString()
        .contains("no longer extends or implements java.lang.AutoCloseable");
    assertThat(breaks("type a.Request: public final record")).singleElement().asString()
        .contains("from class to record");
  }

  @Test
  void narrowerModifiersBreak() {
    assertThat(breaks("method a.Listener#onStep(int): public final void")).singleElement().asString()
        .contains("became final");
    assertThat(breaks("type a.Open: public final class")).singleElement().asString().contains("became final");
    assertThat(breaks("method a.Request#of(java.lang.String): public a.Request")).singleElement().asString()
        .contains("no longer static");
    assertThat(breaks("method a.Listener#onStep(int): protected void")).singleElement().asString()
        .contains("less visible");
    assertThat(breaks("method a.Editor#name(): public abstract java.lang.String")).singleElement().asString()
        .contains("became abstract");
  }

  @Test
  void aNewAbstractMethodInAReleasedTypeBreaksItsImplementationsAndADefaultOneDoesNot() {
    assertThat(breaks("method a.Editor#undo(): public abstract void")).singleElement().asString()
        .contains("abstract method added to a released type");
    ApiCompatibility c = compare("method a.Editor#undo(): public default void",
        "type a.New: public interface", "method a.New#x(): public abstract void",
        "method a.Request#limit(): public int");
    assertThat(c.breaks()).isEmpty();
    assertThat(c.additions()).hasSize(4);
  }

  @Test
  void wideningIsCompatible() {
    assertThat(breaks("type a.Request: public class", "method a.Listener#onStep(int): public void",
        "type a.Editor: public abstract interface extends java.io.Closeable, java.lang.AutoCloseable",
        "method a.Request#of(java.lang.String): public static final a.Request")).isEmpty();
  }
}
