package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** |δ| ≤ factor·|t0| after every step: a longer δ is scaled back onto the bound, a shorter one left alone. */
class DeltaClampTest {
  /** factor 4, |t0| = 3: the bound is 12. */
  private final DeltaClamp clamp = DeltaClamp.of(4, 9);

  @Test
  void theBoundIsTheFactorTimesTheNormOfT0() {
    assertThat(clamp.limit()).isEqualTo(12.0);
  }

  @Test
  void aCorrectionInsideTheBoundIsUnchanged() {
    float[] delta = {3, 4};
    clamp.apply(delta, 5);
    assertArrayEquals(new float[] {3, 4}, delta);
  }

  @Test
  void aCorrectionOnTheBoundIsUnchanged() {
    float[] delta = {0, 12};
    clamp.apply(delta, 12);
    assertArrayEquals(new float[] {0, 12}, delta);
  }

  @Test
  void aLongerCorrectionIsScaledOntoTheBoundKeepingItsDirection() {
    float[] delta = {30, 40}; // |δ| = 50: scaled by 12/50 = 0.24
    clamp.apply(delta, 50);
    assertArrayEquals(new float[] {30 * 0.24f, 40 * 0.24f}, delta);
    assertThat(Math.hypot(delta[0], delta[1])).isCloseTo(12, org.assertj.core.data.Offset.offset(1e-5));
  }
}
