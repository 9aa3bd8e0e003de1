package org.mobiedit.spi.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.RopeScaling;

class RotaryTablesTest {
  private static final double[] INV = {1.0, 0.01};

  /** A quarter turn: (a, b) becomes (-b, a). */
  private static final float[] COS_QUARTER = {0f, 0f};
  private static final float[] SIN_QUARTER = {1f, 1f};

  private static ModelSpec.Builder spec() {
    return ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(32).intermediateSize(64).layers(1)
        .heads(2).vocabSize(10).contextLength(64);
  }

  @Test
  void anglesArePositionTimesInverseFrequencyInDoubleRoundedToFloatOnce() {
    RotaryTables r = new RotaryTables(4, INV, RopeLayout.ROTATE_HALF);
    float[] cos = new float[3];
    float[] sin = new float[3];
    r.angles(2, cos, sin, 1);
    assertArrayEquals(new float[] {0f, (float) Math.cos(2.0), (float) Math.cos(2 * 0.01)}, cos);
    assertArrayEquals(new float[] {0f, (float) Math.sin(2.0), (float) Math.sin(2 * 0.01)}, sin);
  }

  @Test
  void aTableHoldsOneRowOfAnglesPerPosition() {
    RotaryTables r = new RotaryTables(4, INV, RopeLayout.ROTATE_HALF);
    float[][] t = r.table(5, 2);
    assertArrayEquals(new float[] {(float) Math.cos(5.0), (float) Math.cos(0.05), (float) Math.cos(6.0),
        (float) Math.cos(6 * 0.01)}, t[0]);
    assertArrayEquals(new float[] {(float) Math.sin(5.0), (float) Math.sin(0.05), (float) Math.sin(6.0),
        (float) Math.sin(6 * 0.01)}, t[1]);
    assertThat(r.table(0, 0)[0]).isEmpty();
    assertArrayEquals(new float[][] {{1f, 1f}, {0f, 0f}}, r.table(0, 1));
  }

  @Test
  void rotateHalfPairsEachDimensionWithTheOneHalfAHeadLater() {
    float[] y = {1, 2, 3, 4};
    new RotaryTables(4, INV, RopeLayout.ROTATE_HALF).rotate(y, 0, 1, COS_QUARTER, SIN_QUARTER, 0);
    assertArrayEquals(new float[] {-3, -4, 1, 2}, y);
  }

  @Test
  void interleavedPairsNeighbours() {
    float[] y = {1, 2, 3, 4};
    new RotaryTables(4, INV, RopeLayout.INTERLEAVED).rotate(y, 0, 1, COS_QUARTER, SIN_QUARTER, 0);
    assertArrayEquals(new float[] {-2, 1, -4, 3}, y);
  }

  @Test
  void rotationReadsItsRowOfTheTableAndTouchesOnlyItsHeads() {
    float[] y = {9, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] cos = {7f, 7f, 0.5f, 0f};
    float[] sin = {7f, 7f, 0.5f, 1f};
    new RotaryTables(4, INV, RopeLayout.ROTATE_HALF).rotate(y, 1, 2, cos, sin, 2);
    // pair 0 turns by (cos, sin) = (0.5, 0.5), pair 1 a quarter turn
    assertArrayEquals(new float[] {9, 1 * 0.5f - 3 * 0.5f, -4, 1 * 0.5f + 3 * 0.5f, 2,
        5 * 0.5f - 7 * 0.5f, -8, 5 * 0.5f + 7 * 0.5f, 6, 9}, y);
  }

  @Test
  void bothLayoutsComputeTheSameRotationUpToTheOrderOfDimensions() {
    float[] interleaved = {0.3f, -1.2f, 2.5f, 0.7f, -0.1f, 0.9f};
    RotaryTables inter = RotaryTables.of(spec().hiddenSize(12).heads(2).ropeLayout(RopeLayout.INTERLEAVED).build());
    RotaryTables half = RotaryTables.of(spec().hiddenSize(12).heads(2).build());
    float[][] t = half.table(11, 1);
    float[] rotateHalf = new float[6];
    for (int i = 0; i < 3; i++) {
      rotateHalf[i] = interleaved[2 * i];
      rotateHalf[i + 3] = interleaved[2 * i + 1];
    }
    inter.rotate(interleaved, 0, 1, t[0], t[1], 0);
    half.rotate(rotateHalf, 0, 1, t[0], t[1], 0);
    for (int i = 0; i < 3; i++) {
      assertEquals(interleaved[2 * i], rotateHalf[i]);
      assertEquals(interleaved[2 * i + 1], rotateHalf[i + 3]);
    }
  }

  @Test
  void theSpecsRopeScalingAndLayoutAreUsed() {
    ModelSpec plain = spec().ropeTheta(10000).build();
    ModelSpec linear = spec().ropeTheta(10000).ropeScaling(RopeScaling.linear(2)).build();
    // linear scaling by 2 halves every frequency: position 8 scaled is position 4 unscaled, exactly
    assertArrayEquals(RotaryTables.of(plain).table(4, 1)[0], RotaryTables.of(linear).table(8, 1)[0]);
    assertArrayEquals(RotaryTables.of(plain).table(4, 1)[1], RotaryTables.of(linear).table(8, 1)[1]);
    ModelSpec llama3 = spec().ropeTheta(500000).ropeScaling(RopeScaling.llama3(8, 1, 4, 32)).build();
    double[] inv = llama3.ropeInverseFrequencies();
    float[][] t = RotaryTables.of(llama3).table(3, 1);
    for (int i = 0; i < inv.length; i++) {
      assertEquals((float) Math.cos(3 * inv[i]), t[0][i]);
      assertEquals((float) Math.sin(3 * inv[i]), t[1][i]);
    }
    assertThat(RotaryTables.of(spec().ropeLayout(RopeLayout.INTERLEAVED).build()).layout())
        .isEqualTo(RopeLayout.INTERLEAVED);
    assertEquals(8, RotaryTables.of(plain).half());
  }

  @Test
  void anOddHeadOrAMismatchedFrequencyCountIsRefused() {
    assertThatThrownBy(() -> new RotaryTables(3, new double[1], RopeLayout.ROTATE_HALF))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("even head size");
    assertThatThrownBy(() -> new RotaryTables(4, new double[3], RopeLayout.ROTATE_HALF))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 2 inverse frequencies, got 3");
  }

  @Test
  void theTablesKeepTheirOwnCopyOfTheFrequencies() {
    double[] inv = {1.0, 0.5};
    RotaryTables r = new RotaryTables(4, inv, RopeLayout.ROTATE_HALF);
    inv[0] = 0;
    assertEquals((float) Math.cos(1.0), r.table(1, 1)[0][0]);
  }
}
