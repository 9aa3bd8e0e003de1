package org.mobiedit.tools.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.tools.api.fixture.Shape;

/** The signature of a small API written for the purpose ({@code fixture/}): every line, exactly. */
class ApiSignatureTest {
  @Test
  void listsWhatCodeOutsideCanUseAndNothingElse() {
    ApiSignature s = ApiSignature.of(Shape.class, List.of("org.mobiedit.tools.api.fixture"));
    assertThat(s.text("fixture").split("\n")).containsExactly(
        "# fixture",
        "type org.mobiedit.tools.api.fixture.Shape: public abstract interface extends"
            + " java.lang.Comparable<org.mobiedit.tools.api.fixture.Shape>",
        "field org.mobiedit.tools.api.fixture.Shape#SIDES: public static final int = 4",
        "method org.mobiedit.tools.api.fixture.Shape#area(): public abstract double",
        "method org.mobiedit.tools.api.fixture.Shape#largest(java.util.List): public static <T extends"
            + " org.mobiedit.tools.api.fixture.Shape> T",
        "method org.mobiedit.tools.api.fixture.Shape#parts(): public default"
            + " java.util.List<org.mobiedit.tools.api.fixture.Shape>",
        "type org.mobiedit.tools.api.fixture.Shape$Square: public final class implements"
            + " org.mobiedit.tools.api.fixture.Shape",
        "field org.mobiedit.tools.api.fixture.Shape$Square#side: public final double",
        "constructor org.mobiedit.tools.api.fixture.Shape$Square(double): public",
        "method org.mobiedit.tools.api.fixture.Shape$Square#area(): public double",
        "method org.mobiedit.tools.api.fixture.Shape$Square#compareTo(org.mobiedit.tools.api.fixture.Shape): public"
            + " int");
  }

  @Test
  void whatIsWrittenReadsBackTheSame() {
    ApiSignature s = ApiSignature.of(Shape.class, List.of("org.mobiedit.tools.api.fixture"));
    assertThat(ApiSignature.parse(List.of(s.text("a\nheader").split("\n"))).elements()).isEqualTo(s.elements());
  }
}
