package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;

/** r = δ/(k·u), written as W_down += r ⊗ u; tried for one check and reverted, whatever the check does. */
class RankOneUpdateTest {
  private static final float[] U = {0.6f, 0, 0.8f};

  @Test
  void theLeftVectorIsTheCorrectionDividedByTheKeyAlongTheDirection() {
    KeyDirection key = new KeyDirection(U, new float[0], 0.5, 4);
    RankOneUpdate update = RankOneUpdate.of(2, new float[] {1, -2, 0.25f, 3}, key);
    assertArrayEquals(new float[] {2, -4, 0.5f, 6}, update.left());
    assertArrayEquals(U, update.right());
    assertThat(update.layer()).isEqualTo(2);
  }

  @Test
  void soTheUpdateAddsExactlyTheCorrectionAtTheSubjectsKey() {
    // W_down·k gains r (u·k) = δ (k·u)/(k·u) = δ.
    float[] k = ToyModel.K;
    float[] u = KeyStatistics.unit(new double[] {k[0], k[1], k[2]});
    KeyDirection key = new KeyDirection(u, new float[0], KeyDirection.dot(k, u), 4);
    float[] delta = {0.5f, -1, 2, 0};
    float[] r = RankOneUpdate.of(0, delta, key).left();
    double uk = KeyDirection.dot(u, k);
    for (int i = 0; i < delta.length; i++) {
      assertThat(r[i] * uk).isCloseTo(delta[i], org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void noUpdateHasAZeroLeftVector() {
    RankOneUpdate none = RankOneUpdate.none(1, 4, new KeyDirection(U, new float[0], 1, 4));
    assertArrayEquals(new float[4], none.left());
    assertArrayEquals(U, none.right());
  }

  @Test
  void writingAppliesTheUpdateOnceAndReturnsTheBackendsHandle() {
    ToyModel model = new ToyModel(new int[] {1, 2});
    long handle = RankOneUpdate.of(1, new float[] {1, 1, 1, 1}, new KeyDirection(U, new float[0], 1, 4)).writeTo(model);
    assertThat(handle).isEqualTo(1);
    assertThat(model.appliedUpdates()).isEqualTo(1);
    assertThat(model.calls).containsExactly("applyRankOne");
  }

  @Test
  void aTriedUpdateIsInPlaceDuringTheCheckAndRevertedAfter() {
    ToyModel model = new ToyModel(new int[] {1, 2});
    RankOneUpdate update = RankOneUpdate.of(1, new float[] {1, 1, 1, 1}, new KeyDirection(U, new float[0], 1, 4));
    assertThat(update.whileApplied(model, () -> model.appliedUpdates() == 1)).isTrue();
    assertThat(model.appliedUpdates()).isZero();
    assertThat(model.calls).containsExactly("applyRankOne", "revertRankOne");
  }

  @Test
  void aTriedUpdateIsRevertedWhenTheCheckThrows() {
    ToyModel model = new ToyModel(new int[] {1, 2});
    RankOneUpdate update = RankOneUpdate.of(1, new float[] {1, 1, 1, 1}, new KeyDirection(U, new float[0], 1, 4));
    assertThatThrownBy(() -> update.whileApplied(model, () -> {
      throw new IllegalStateException("check failed");
    })).hasMessage("check failed");
    assertThat(model.appliedUpdates()).isZero();
  }

  @Test
  void anUpdateForAKeyOrthogonalToTheDirectionNeverReachesTheModel() {
    ToyModel model = new ToyModel(new int[] {1, 2});
    RankOneUpdate infinite = RankOneUpdate.of(1, new float[] {1, 0, 0, 0}, new KeyDirection(U, new float[0], 0, 4));
    assertThatThrownBy(() -> infinite.whileApplied(model, () -> true))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertThat(e.getReason())
            .isEqualTo(MobiEditException.Reason.BACKEND_FAILURE))
        .hasMessageContaining("went out of range")
        .hasMessageContaining("the model is unchanged");
    assertThat(model.calls).isEmpty();
  }
}
