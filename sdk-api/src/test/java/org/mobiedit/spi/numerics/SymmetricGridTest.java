package org.mobiedit.spi.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.Precision;

class SymmetricGridTest {

  @Test
  void int8AndInt16LeaveOutTheMostNegativeTwosComplementValue() {
    assertEquals(127, SymmetricGrid.INT8.levels());
    assertEquals(32767, SymmetricGrid.INT16.levels());
    assertEquals(8, SymmetricGrid.INT8.bits());
    assertEquals(16, SymmetricGrid.INT16.bits());
  }

  @Test
  void gridsAreNamedByBitsAndByTheActivationPrecisions() {
    assertThat(SymmetricGrid.ofBits(8)).isSameAs(SymmetricGrid.INT8);
    assertThat(SymmetricGrid.ofBits(16)).isSameAs(SymmetricGrid.INT16);
    assertThatThrownBy(() -> SymmetricGrid.ofBits(4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8 or 16");
    assertThat(SymmetricGrid.forActivationsOf(Precision.INT8_A8)).isSameAs(SymmetricGrid.INT8);
    assertThat(SymmetricGrid.forActivationsOf(Precision.INT8_A16)).isSameAs(SymmetricGrid.INT16);
    assertThatThrownBy(() -> SymmetricGrid.forActivationsOf(Precision.INT8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INT8 does not quantize activations");
    assertThatThrownBy(() -> SymmetricGrid.forActivationsOf(Precision.FP32))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theScalePutsTheLargestMagnitudeOnTheOutermostLevel() {
    assertEquals(2.54f / 127f, SymmetricGrid.INT8.scaleFor(2.54f));
    assertEquals(1f, SymmetricGrid.INT8.scaleFor(127f));
    assertEquals(1f, SymmetricGrid.INT16.scaleFor(32767f));
    assertEquals(0f, SymmetricGrid.INT8.scaleFor(0f));
    assertThat(SymmetricGrid.INT8.scaleFor(Float.NaN)).isNaN();
  }

  @Test
  void weightsRoundHalfAwayFromZeroInDoubleAndSaturate() {
    SymmetricGrid g = SymmetricGrid.INT8;
    assertEquals(3, g.roundHalfAwayFromZero(2.5));
    assertEquals(-3, g.roundHalfAwayFromZero(-2.5));
    assertEquals(2, g.roundHalfAwayFromZero(2.49));
    // the largest float below one half: in float arithmetic, 0.49999997f + 0.5f would already be 1
    assertEquals(0, g.roundHalfAwayFromZero(0.49999997f));
    assertEquals(0, g.roundHalfAwayFromZero(-0.49999997f));
    assertEquals(127, g.roundHalfAwayFromZero(127.4));
    assertEquals(127, g.roundHalfAwayFromZero(1e12));
    assertEquals(-127, g.roundHalfAwayFromZero(-1e12));
    assertEquals(32767, SymmetricGrid.INT16.roundHalfAwayFromZero(40000));
    assertEquals(0, g.roundHalfAwayFromZero(Double.NaN));
  }

  @Test
  void snappingRoundsHalfUpInFloatSaturatesAndScalesBack() {
    float[] x = {0.25f, -0.25f, 0.74f, -0.76f, 100f, -100f, Float.NaN, 0f};
    SymmetricGrid.INT8.snap(x, 0, x.length, 0.5f);
    // 0.25 / 0.5 = 0.5 rounds up to 1; -0.5 rounds up to 0 (Math.round); -1.52 to -2; ±200 saturates at ±127;
    // NaN becomes 0
    assertArrayEquals(new float[] {0.5f, 0f, 0.5f, -1f, 63.5f, -63.5f, 0f, 0f}, x);
  }

  @Test
  void snappingTouchesOnlyItsRange() {
    float[] x = {0.3f, 0.3f, 0.3f, 0.3f};
    SymmetricGrid.INT8.snap(x, 1, 3, 0.25f);
    assertArrayEquals(new float[] {0.3f, 0.25f, 0.25f, 0.3f}, x);
  }

  @Test
  void aNanScaleMakesEverySnappedValueNan() {
    float[] x = {1f, 0f};
    SymmetricGrid.INT16.snap(x, 0, 2, Float.NaN);
    assertThat(x[0]).isNaN();
    assertThat(x[1]).isNaN();
  }

  @Test
  void theLargestMagnitudeStartsFromTheGivenValueAndNanWins() {
    float[] x = {1f, -3f, 2f};
    assertEquals(3f, SymmetricGrid.largestMagnitude(0, x, 0, 3));
    assertEquals(2f, SymmetricGrid.largestMagnitude(0, x, 2, 3));
    assertEquals(5f, SymmetricGrid.largestMagnitude(5f, x, 0, 3));
    assertEquals(0f, SymmetricGrid.largestMagnitude(0, x, 1, 1));
    assertThat(SymmetricGrid.largestMagnitude(0, new float[] {1f, Float.NaN, 2f}, 0, 3)).isNaN();
  }
}
