package org.mobiedit.spi.numerics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DynamicActivationsTest {
  @Test
  void aTokenSpanningZeroUses255LevelsAndKeepsZeroExact() {
    float[] x = {-1f, 0f, 0.5f, 1.55f};
    DynamicActivations.roundToken(x, 0, x.length);
    float s = 255f / 2.55f; // 100 levels per unit
    float z = DynamicActivations.zeroLevel(-1f, 1.55f, s);
    assertThat(z).isEqualTo(-28f); // -128 + 100
    assertThat(x[1]).isZero();
    assertThat(x[0]).isEqualTo(-1f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(x[2]).isEqualTo(0.5f, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void everyValueMovesByAtMostHalfAStepOfItsOwnToken() {
    Random r = new Random(7);
    int cols = 64;
    float[] x = new float[3 * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * (1 + i / cols * 10) + (i / cols == 2 ? 5 : 0));
    }
    float[] y = x.clone();
    DynamicActivations.roundTokens(y, 0, 3, cols);
    for (int t = 0; t < 3; t++) {
      float lo = 0;
      float hi = 0;
      for (int c = 0; c < cols; c++) {
        lo = Math.min(lo, x[t * cols + c]);
        hi = Math.max(hi, x[t * cols + c]);
      }
      float step = (hi - lo) / 255f;
      for (int c = 0; c < cols; c++) {
        assertThat(Math.abs(y[t * cols + c] - x[t * cols + c])).isLessThanOrEqualTo(step * 1.0001f);
      }
    }
  }

  @Test
  void zerosStayZerosAndANanPoisonsItsTokenOnly() {
    float[] x = {0, 0, 0, 1, Float.NaN, 2};
    DynamicActivations.roundTokens(x, 0, 2, 3);
    assertThat(x[0]).isZero();
    assertThat(x[1]).isZero();
    assertThat(x[2]).isZero();
    assertThat(x[3]).isNaN();
    assertThat(x[5]).isNaN();
  }

  @Test
  void allPositiveTokensPutZeroAtTheBottomOfTheGrid() {
    float lo = 0;
    float hi = 2.55f;
    float s = DynamicActivations.levelsPerUnit(lo, hi);
    assertThat(DynamicActivations.zeroLevel(lo, hi, s)).isEqualTo(-128f);
    assertThat(DynamicActivations.zeroLevel(-2.55f, 0, s)).isEqualTo(127f);
  }
}
