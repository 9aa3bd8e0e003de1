package org.mobiedit.spi.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ActivationScalesTest {

  @Test
  void pointsAreNumberedLayerByLayerWithTheLmHeadsInputLast() {
    assertEquals(7, ActivationPoint.PER_LAYER);
    assertEquals(0, ActivationPoint.ATTENTION_INPUT.index(0));
    assertEquals(6, ActivationPoint.DOWN_INPUT.index(0));
    assertEquals(16, ActivationPoint.KEY.index(2));
    assertEquals(21, ActivationPoint.lmHeadIndex(3));
    assertEquals(22, ActivationPoint.count(3));
  }

  @Test
  void theScaleIsTheLargestMagnitudeOverTheGridsLevels() {
    assertEquals(2.54f / 127f, ActivationScales.scaleFor(2.54f, SymmetricGrid.INT8));
    assertEquals(2.54f / 32767f, ActivationScales.scaleFor(2.54f, SymmetricGrid.INT16));
  }

  @Test
  void aPointThatSawOnlyZerosKeepsATinyPositiveScale() {
    float s = ActivationScales.scaleFor(0f, SymmetricGrid.INT8);
    assertEquals(Float.MIN_NORMAL / 127f, s);
    assertThat(s).isPositive();
    float[] x = {1e-30f, 0f};
    SymmetricGrid.INT8.snap(x, 0, 2, s);
    assertThat(Float.isFinite(x[0])).isTrue();
  }

  @Test
  void aNanMagnitudeGivesANanScale() {
    assertThat(ActivationScales.scaleFor(Float.NaN, SymmetricGrid.INT8)).isNaN();
    ActivationScales.Calibration c = ActivationScales.calibration(1);
    c.observe(ActivationPoint.QUERY.index(0), new float[] {1f, Float.NaN}, 0, 2);
    assertThat(c.finish(SymmetricGrid.INT8).scale(0, ActivationPoint.QUERY)).isNaN();
  }

  @Test
  void calibrationKeepsTheLargestMagnitudePerPointOverEveryObservedRange() {
    ActivationScales.Calibration c = ActivationScales.calibration(2);
    int mlp = ActivationPoint.MLP_INPUT.index(1);
    c.observe(mlp, new float[] {0.5f, -2.54f, 1f}, 0, 3);
    c.observe(mlp, new float[] {2f, -99f}, 0, 1); // the padding position after the range is not observed
    c.observe(ActivationPoint.lmHeadIndex(2), new float[] {-3f}, 0, 1);
    assertEquals(2.54f, c.largest(mlp));
    ActivationScales s = c.finish(SymmetricGrid.INT8);
    assertEquals(15, s.size());
    assertThat(s.grid()).isSameAs(SymmetricGrid.INT8);
    assertEquals(2.54f / 127f, s.scale(1, ActivationPoint.MLP_INPUT));
    assertEquals(2.54f / 127f, s.get(mlp));
    assertEquals(3f / 127f, s.lmHeadScale());
    assertEquals(Float.MIN_NORMAL / 127f, s.scale(0, ActivationPoint.MLP_INPUT));
  }

  @Test
  void scalesAreImmutableValues() {
    ActivationScales a = ActivationScales.fromLargestMagnitudes(new float[] {127f, 254f}, SymmetricGrid.INT8);
    float[] copy = a.toArray();
    assertArrayEquals(new float[] {1f, 2f}, copy);
    copy[0] = 7f;
    assertEquals(1f, a.get(0));
    ActivationScales b = ActivationScales.fromLargestMagnitudes(new float[] {127f, 254f}, SymmetricGrid.INT8);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(ActivationScales.fromLargestMagnitudes(new float[] {127f, 254f}, SymmetricGrid.INT16));
  }

  @Test
  void savedScalesReadBackAsTheyWereAndOnlyFinitePositiveOnes() {
    ActivationScales a = ActivationScales.fromLargestMagnitudes(new float[] {0f, 3f, 1e30f}, SymmetricGrid.INT16);
    assertThat(ActivationScales.of(SymmetricGrid.INT16, a.toArray())).isEqualTo(a);
    for (float bad : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> ActivationScales.of(SymmetricGrid.INT8, new float[] {1f, bad}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("activation scale 1 is " + bad);
    }
  }
}
