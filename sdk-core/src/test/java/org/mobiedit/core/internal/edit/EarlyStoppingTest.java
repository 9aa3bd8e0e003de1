package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;

/** The success check is due every K steps, and never when early stopping is off. */
class EarlyStoppingTest {
  @Test
  void aCheckIsDueExactlyEveryKSteps() {
    EarlyStopping every20 = EarlyStopping.of(EditOptions.builder().earlyStopEvery(20).build());
    assertThat(every20.due(19)).isFalse();
    assertThat(every20.due(20)).isTrue();
    assertThat(every20.due(21)).isFalse();
    assertThat(every20.due(40)).isTrue();
  }

  @Test
  void withEveryStepAsTheIntervalEveryStepIsChecked() {
    EarlyStopping every1 = new EarlyStopping(true, 1);
    for (int steps = 1; steps <= 5; steps++) {
      assertThat(every1.due(steps)).isTrue();
    }
  }

  @Test
  void switchedOffNoCheckIsEverDue() {
    EarlyStopping off = EarlyStopping.of(EditOptions.builder().earlyStopping(false).build());
    for (int steps = 1; steps <= 100; steps++) {
      assertThat(off.due(steps)).isFalse();
    }
  }
}
