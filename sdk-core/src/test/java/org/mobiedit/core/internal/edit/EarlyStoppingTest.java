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
    EarlyStopping every1 = new EarlyStopping(true, 1, false);
    for (int steps = 1; steps <= 5; steps++) {
      assertThat(every1.due(steps)).isTrue();
    }
  }

  @Test
  void aLikelySuccessTriggersACheckBetweenThePeriodicOnesOnlyWhenAskedFor() {
    EarlyStopping likely = EarlyStopping.of(EditOptions.builder().earlyStopEvery(20).checkWhenLikely(true).build());
    assertThat(likely.due(7, () -> Math.log(0.6))).isTrue();
    assertThat(likely.due(7, () -> Math.log(0.4))).isFalse();
    assertThat(likely.due(20, () -> Math.log(0.4))).isTrue();
    EarlyStopping periodic = EarlyStopping.of(EditOptions.builder().earlyStopEvery(20).build());
    assertThat(periodic.due(7, () -> Math.log(0.99))).isFalse();
    EarlyStopping off = EarlyStopping.of(EditOptions.builder().earlyStopping(false).checkWhenLikely(true).build());
    assertThat(off.due(7, () -> 0)).isFalse();
  }

  @Test
  void switchedOffNoCheckIsEverDue() {
    EarlyStopping off = EarlyStopping.of(EditOptions.builder().earlyStopping(false).build());
    for (int steps = 1; steps <= 100; steps++) {
      assertThat(off.due(steps)).isFalse();
    }
  }
}
