package org.mobiedit.spi.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WeightQuantizerTest {

  @Test
  void aRowGetsTheScaleOfItsLargestMagnitudeAndLevelsWithin127() {
    float[] row = {0.5f, -1.27f, 0.01f, 0f};
    byte[] q = new byte[4];
    float scale = WeightQuantizer.quantizeRow(row, 0, 4, q, 0);
    assertEquals(1.27f / 127f, scale);
    assertEquals(0.01f, scale, 1e-9);
    assertArrayEquals(new byte[] {50, -127, 1, 0}, q);
  }

  @Test
  void levelsRoundHalfAwayFromZeroWithoutFloatArtifacts() {
    float[] row = {127f, 0.49999997f, 2.5f, -2.5f, -0.49999997f};
    byte[] q = new byte[5];
    assertEquals(1f, WeightQuantizer.quantizeRow(row, 0, 5, q, 0));
    assertArrayEquals(new byte[] {127, 0, 3, -3, 0}, q);
  }

  @Test
  void aRowOfAMatrixIsReadAndWrittenAtItsOwnOffsets() {
    float[] matrix = {9f, 9f, 2f, -4f, 1f, 9f};
    byte[] q = new byte[8];
    float scale = WeightQuantizer.quantizeRow(matrix, 2, 3, q, 4);
    assertEquals(4f / 127f, scale);
    // 2 / (4/127) = 63.5 rounds away from zero
    assertArrayEquals(new byte[] {0, 0, 0, 0, 64, -127, 32, 0}, q);
  }

  @Test
  void aRowOfZerosHasScaleZeroAndLevelsZero() {
    byte[] q = {5, 5, 5};
    assertEquals(0f, WeightQuantizer.quantizeRow(new float[3], 0, 3, q, 0));
    assertArrayEquals(new byte[3], q);
  }

  @Test
  void anEmptyRowHasScaleZeroAndWritesNothing() {
    byte[] q = {5};
    assertEquals(0f, WeightQuantizer.quantizeRow(new float[] {1f}, 1, 0, q, 0));
    assertArrayEquals(new byte[] {5}, q);
  }

  @Test
  void aRowWithNanGetsANanScaleAndLevelsZero() {
    byte[] q = new byte[3];
    float scale = WeightQuantizer.quantizeRow(new float[] {1f, Float.NaN, -2f}, 0, 3, q, 0);
    assertThat(scale).isNaN();
    assertArrayEquals(new byte[3], q);
  }

  @Test
  void negatingARowNegatesItsLevels() {
    float[] row = {0.3f, -0.7f, 1.1f, 0.05f};
    float[] negated = {-0.3f, 0.7f, -1.1f, -0.05f};
    byte[] q = new byte[4];
    byte[] qn = new byte[4];
    assertEquals(WeightQuantizer.quantizeRow(row, 0, 4, q, 0), WeightQuantizer.quantizeRow(negated, 0, 4, qn, 0));
    for (int i = 0; i < 4; i++) {
      assertEquals(-q[i], qn[i]);
    }
  }
}
