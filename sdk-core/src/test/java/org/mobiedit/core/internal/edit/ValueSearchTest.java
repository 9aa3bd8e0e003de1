package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.MobiEditException;

/**
 * The forward-only search on {@link ToyModel}, where the target's logit is {@code w·δ}: the loss falls, {@code δ}
 * turns towards {@code w}, the search stops at the first early-stopping check the candidate update passes, and the
 * model is left as it was.
 */
class ValueSearchTest {
  private static final int LAYER = 1;
  /** u = K/|K| = (0.6, 0, 0.8), k_p·u = 5, |t0|² = 4. */
  private static final KeyDirection KEY = new KeyDirection(new float[] {0.6f, 0, 0.8f}, new float[0], 5, 4);
  private static final EditOptions OPTIONS = EditOptions.builder().maxSteps(60).learningRate(0.5).build();

  private final EditBatch batch = HandMadeEdit.batch("{}", "A. {}");
  private final ToyModel model = new ToyModel(batch.target);

  private ValueSearch.Found search(EditOptions options, EditListener listener, Cancellation cancellation) {
    EditLoss loss = new EditLoss(batch, new float[HandMadeEdit.VOCAB], options.getKlWeight(),
        options.getWeightDecay(), KEY.t0NormSquared());
    ValueSearch search = new ValueSearch(options, LAYER, ToyModel.HIDDEN, KEY, loss,
        ForwardOnlyEstimator.forEdit(options, KEY.t0NormSquared(), ToyModel.HIDDEN, model.precision()),
        new RewriteCheck(model, batch));
    try (PrefixCachePlan forwards = PrefixCachePlan.open(model, batch, LAYER, options, listener)) {
      return search.run(forwards, listener, cancellation, 10);
    }
  }

  private static double alongW(float[] left) {
    return KeyDirection.dot(ToyModel.W, left) * KEY.keyDotU(); // w·δ, since r = δ/(k·u)
  }

  @Test
  void theSearchStopsAtTheFirstCheckTheModelPassesWithTheUpdateForTheFinalDelta() {
    ValueSearch.Found found = search(OPTIONS, EditListener.NONE, new Cancellation(() -> false));
    assertThat(found.reason()).isEqualTo(EditResult.StopReason.EARLY_STOP_SUCCESS);
    assertThat(found.steps()).isEqualTo(20);
    assertThat(found.lossCurve()).hasSize(20);
    assertThat(alongW(found.update().left())).isPositive();
    assertThat(found.update().right()).containsExactly(KEY.u());
  }

  @Test
  void shrinkingWritesTheSmallestFractionOfThePassingDeltaThatStillPasses() {
    ValueSearch.Found full = search(OPTIONS, EditListener.NONE, new Cancellation(() -> false));
    ValueSearch.Found shrunk = search(OPTIONS.toBuilder().shrinkAfterSuccess(true).build(), EditListener.NONE,
        new Cancellation(() -> false));
    assertThat(shrunk.steps()).isEqualTo(full.steps());
    float[] a = full.update().left();
    float[] b = shrunk.update().left();
    double fraction = KeyDirection.dot(a, b) / KeyDirection.dot(a, a);
    assertThat(fraction).isLessThan(1).isGreaterThanOrEqualTo(0.5);
    for (int j = 0; j < a.length; j++) {
      assertThat((double) b[j]).isCloseTo(fraction * a[j], org.assertj.core.data.Offset.offset(1e-5));
    }
    // The smaller update still passes the check; trying fractions cost forward passes but no step.
    assertThat(new RewriteCheck(model, batch).passesWith(shrunk.update())).isTrue();
    assertThat(shrunk.forwardPasses()).isGreaterThan(full.forwardPasses());
    assertThat(model.appliedUpdates()).isZero();
  }

  @Test
  void theLossFallsAsDeltaTurnsTowardsTheTarget() {
    float[] curve = search(OPTIONS, EditListener.NONE, new Cancellation(() -> false)).lossCurve();
    // At δ = 0: the target against e^1 (the rival) and 30 tokens of e^0.
    assertThat((double) curve[0]).isCloseTo(Math.log(Math.E + 31), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(curve[curve.length - 1]).isLessThan(curve[0] / 2);
  }

  @Test
  void theCandidateIsOnlyInPlaceForItsCheck() {
    search(OPTIONS, EditListener.NONE, new Cancellation(() -> false));
    assertThat(model.appliedUpdates()).isZero();
    assertThat(model.calls.stream().filter(c -> c.equals("applyRankOne"))).hasSize(1);
    assertThat(model.calls.stream().filter(c -> c.equals("revertRankOne"))).hasSize(1);
  }

  @Test
  void everyStepAndEveryCheckIsReportedWithTheForwardPassesSoFar() {
    List<String> events = new ArrayList<>();
    EditListener listener = new EditListener() {
      @Override
      public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
        events.add("step " + step + "/" + maxSteps + " " + forwardPasses);
      }

      @Override
      public void onEarlyStopCheck(int step, boolean rewritten) {
        events.add("check " + step + " " + rewritten);
      }
    };
    ValueSearch.Found found = search(OPTIONS, listener, new Cancellation(() -> false));
    // 10 points (5 directions × ±; δ itself is not evaluated) × 3 rows per step, after 10 passes before the search.
    assertThat(events).hasSize(21).startsWith("step 1/60 40").endsWith("step 20/60 610", "check 20 true");
    assertThat(found.forwardPasses()).isEqualTo(10 + 20 * 30 + 1);
  }

  @Test
  void withoutEarlyStoppingTheWholeBudgetRunsAndNothingIsTried() {
    ValueSearch.Found found = search(OPTIONS.toBuilder().earlyStopping(false).build(), EditListener.NONE,
        new Cancellation(() -> false));
    assertThat(found.reason()).isEqualTo(EditResult.StopReason.MAX_STEPS);
    assertThat(found.steps()).isEqualTo(60);
    assertThat(found.lossCurve()).hasSize(60);
    assertThat(model.calls).doesNotContain("applyRankOne");
  }

  @Test
  void theCorrectionNeverLeavesTheClamp() {
    // A huge rate drives δ to the bound 4·|t0| = 8 at once.
    ValueSearch.Found found = search(OPTIONS.toBuilder().learningRate(1e4).earlyStopping(false).maxSteps(10).build(),
        EditListener.NONE, new Cancellation(() -> false));
    double norm = Math.sqrt(KeyDirection.squaredNorm(found.update().left())) * KEY.keyDotU();
    assertThat(norm).isCloseTo(8, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void aCancelledSearchStopsBeforeItsNextStep() {
    int[] steps = {0};
    EditListener counting = new EditListener() {
      @Override
      public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
        steps[0] = step;
      }
    };
    assertThatThrownBy(() -> search(OPTIONS, counting, new Cancellation(() -> steps[0] == 3)))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertThat(e.getReason())
            .isEqualTo(MobiEditException.Reason.CANCELLED))
        .hasMessageContaining("after 3 steps");
    assertThat(model.calls.stream().filter(c -> c.equals("resume"))).hasSize(3);
  }

  @Test
  void theSameOptionsGiveTheSameSearch() {
    ValueSearch.Found a = search(OPTIONS, EditListener.NONE, new Cancellation(() -> false));
    ValueSearch.Found b = search(OPTIONS, EditListener.NONE, new Cancellation(() -> false));
    assertThat(b.lossCurve()).containsExactly(a.lossCurve());
    assertThat(b.update().left()).containsExactly(a.update().left());
  }
}
