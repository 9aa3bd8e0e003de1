package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;

/** A cancelled edit ends at the next check with CANCELLED, saying how far it got. */
class CancellationTest {
  @Test
  void aCallerWhoDidNotCancelPassesTheCheck() {
    assertThatCode(() -> new Cancellation(() -> false).check(7)).doesNotThrowAnyException();
  }

  @Test
  void aCancelledEditEndsWithCancelledAndTheStepsItRan() {
    assertThatThrownBy(() -> new Cancellation(() -> true).check(7))
        .isInstanceOfSatisfying(MobiEditException.class,
            e -> org.assertj.core.api.Assertions.assertThat(e.getReason())
                .isEqualTo(MobiEditException.Reason.CANCELLED))
        .hasMessageContaining("after 7 steps")
        .hasMessageContaining("the model is unchanged");
  }
}
