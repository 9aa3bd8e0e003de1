package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The value search's step size decays from η_0 along half a cosine over the budget. */
class StepScheduleTest {
  private final StepSchedule schedule = new StepSchedule(0.4, 4);

  @Test
  void theFirstStepTakesTheFullLearningRate() {
    assertThat(schedule.at(0)).isEqualTo(0.4);
  }

  @Test
  void halfWayThroughTheBudgetTheStepIsHalved() {
    assertThat(schedule.at(2)).isCloseTo(0.2, within(1e-15));
  }

  @Test
  void aQuarterThroughTheBudgetTheStepIsEtaTimesHalfOfOnePlusCosPiOverFour() {
    assertThat(schedule.at(1)).isEqualTo(0.4 * 0.5 * (1 + Math.cos(Math.PI / 4))); // 0.3414...
  }

  @Test
  void theStepShrinksEveryStepAndReachesZeroAtTheBudget() {
    for (int t = 1; t <= 4; t++) {
      assertThat(schedule.at(t)).isLessThan(schedule.at(t - 1));
    }
    assertThat(schedule.at(4)).isZero();
  }
}
