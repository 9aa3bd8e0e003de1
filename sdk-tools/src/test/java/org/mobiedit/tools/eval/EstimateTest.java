package org.mobiedit.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EstimateTest {
  @Test
  void wilsonIntervalsMatchTheTextbookValues() {
    // 8 successes of 10: Wilson 95% interval 0.490 .. 0.943.
    Estimate e = Estimate.proportion(8, 10);
    assertThat(e.mean()).isEqualTo(0.8);
    assertThat(e.low()).isCloseTo(0.490, within(1e-3));
    assertThat(e.high()).isCloseTo(0.943, within(1e-3));
    // All or nothing still gets an honest interval, not [1, 1].
    assertThat(Estimate.proportion(20, 20).low()).isCloseTo(0.839, within(1e-3));
    assertThat(Estimate.proportion(0, 20).high()).isCloseTo(0.161, within(1e-3));
    assertThat(Estimate.proportion(0, 0).n()).isZero();
  }

  @Test
  void meansIgnoreCasesWithoutTheMetricAndClipToTheUnitInterval() {
    Estimate e = Estimate.meanOf(Arrays.asList(1.0, null, 0.5, 0.0));
    assertThat(e.n()).isEqualTo(3);
    assertThat(e.mean()).isEqualTo(0.5);
    // sd 0.5, se 0.5/sqrt(3): half-width 0.566, clipped at 0 and 1.
    assertThat(e.low()).isEqualTo(0.0);
    assertThat(e.high()).isEqualTo(1.0);
    Estimate tight = Estimate.meanOf(Arrays.asList(0.9, 0.9, 0.9));
    assertThat(tight.low()).isCloseTo(0.9, within(1e-12));
    assertThat(Estimate.meanOf(Arrays.asList(null, null)).n()).isZero();
  }

  @Test
  void theMedianIsTheLowerMiddle() {
    assertThat(EvalSummary.median(Arrays.asList(5L, 1L, 3L, 9L))).isEqualTo(3L);
    assertThat(EvalSummary.median(Arrays.asList(7L))).isEqualTo(7L);
    assertThat(EvalSummary.median(Arrays.asList())).isZero();
  }
}
