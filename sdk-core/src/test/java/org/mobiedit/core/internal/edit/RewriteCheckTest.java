package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The model answers the edit when, teacher-forced after the plain prompt, every target token is the argmax. */
class RewriteCheckTest {
  private final EditBatch batch = HandMadeEdit.batch("{}", "A. {}");

  @Test
  void theCheckRunsThePlainPromptFollowedByAllTargetTokensButTheLast() {
    // BOS "Tom saw a" then " " (the first of the target " x").
    int[] expected = new int[11];
    System.arraycopy(HandMadeEdit.ids("Tom saw a "), 0, expected, 1, 10);
    assertArrayEquals(expected, RewriteCheck.row(batch));
  }

  @Test
  void anUneditedModelThatPredictsAnotherTokenFails() {
    ToyModel model = new ToyModel(batch.target);
    assertThat(new RewriteCheck(model, batch).passes()).isFalse(); // the rival token 0 is the argmax
    assertThat(model.calls).containsExactly("forward");
  }

  @Test
  void aCandidateThatMakesTheTargetTheArgmaxPassesAndIsRevertedAfter() {
    ToyModel model = new ToyModel(batch.target);
    // r = δ/(k·u) = δ/5, so the update adds r (u·K) = δ at the key: the target's logit is w·δ = 4 > 1, the rival's.
    float[] u = {0.6f, 0, 0.8f};
    RankOneUpdate candidate = RankOneUpdate.of(1, new float[] {2, 2, 2, 2}, new KeyDirection(u, new float[0], 5, 4));
    assertThat(new RewriteCheck(model, batch).passesWith(candidate)).isTrue();
    assertThat(model.appliedUpdates()).isZero();
  }

  @Test
  void aCandidateThatRaisesTheTargetButNotAboveTheRivalFails() {
    ToyModel model = new ToyModel(batch.target);
    RankOneUpdate candidate = RankOneUpdate.of(1, new float[] {0.25f, 0.25f, 0.25f, 0.25f},
        new KeyDirection(new float[] {0.6f, 0, 0.8f}, new float[0], 5, 4)); // the target's logit 0.5 < 1
    assertThat(new RewriteCheck(model, batch).passesWith(candidate)).isFalse();
  }

  @Test
  void aCandidatePushingTheWrongWayFails() {
    ToyModel model = new ToyModel(batch.target);
    RankOneUpdate candidate = RankOneUpdate.of(1, new float[] {-2, -2, -2, -2},
        new KeyDirection(new float[] {0.6f, 0, 0.8f}, new float[0], 5, 4));
    assertThat(new RewriteCheck(model, batch).passesWith(candidate)).isFalse();
  }
}
