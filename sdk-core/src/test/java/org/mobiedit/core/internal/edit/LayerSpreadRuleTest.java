package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The rule behind an edit's shares across layers ({@link LayerSpread}), against its definition. */
class LayerSpreadRuleTest {
  @Test
  void sharesAreInverselyProportionalToTheDisturbanceAndSumToOne() {
    double[] w = LayerSpread.shares(new double[] {1, 2, 4});
    // 1 : 1/2 : 1/4, normalised by 7/4.
    assertThat(w[0]).isCloseTo(4.0 / 7, within(1e-12));
    assertThat(w[1]).isCloseTo(2.0 / 7, within(1e-12));
    assertThat(w[2]).isCloseTo(1.0 / 7, within(1e-12));
  }

  @Test
  void theSharesMinimiseTheTotalDisturbanceAmongSplitsThatAddUpToDelta() {
    double[] c = {0.0017, 0.0037, 0.0038};
    double[] w = LayerSpread.shares(c);
    double best = total(w, c);
    // Any other split of the same δ (shares summing to 1) disturbs more: Σ a_l² c_l is convex, minimal at a_l ∝ 1/c_l.
    double[][] others = {{1, 0, 0}, {0.5, 0.25, 0.25}, {1.0 / 3, 1.0 / 3, 1.0 / 3}, {w[0] + 0.01, w[1] - 0.01, w[2]}};
    for (double[] o : others) {
      assertThat(total(o, c)).isGreaterThan(best);
    }
  }

  @Test
  void withoutKeyStatisticsTheDisturbanceIsOneOverTheSquaredKeyProjection() {
    float[] u = {0.6f, 0, 0.8f};
    KeyDirection key = new KeyDirection(u, new float[3], 2.5, 4);
    assertThat(LayerSpread.disturbance(key, null)).isCloseTo(1 / 6.25, within(1e-6));
  }

  private static double total(double[] a, double[] c) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * a[i] * c[i];
    }
    return s;
  }
}
