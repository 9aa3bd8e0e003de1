package org.mobiedit.core.internal.edit;

import java.util.function.DoubleSupplier;
import org.mobiedit.api.EditOptions;

/**
 * When the value search checks whether it is done: every {@code every} steps (the reference's K = 20), the candidate
 * update for the current {@code δ} is tried with one teacher-forced forward pass ({@link RewriteCheck}), and the
 * search stops at the first check the model passes. One forward per K steps; off, the search runs its whole budget.
 * With {@code whenLikely}, a check also runs at any step whose own evaluations already make success likely
 * ({@link EditLoss#worstTargetLogProb}: every target token above probability ½ in every rewrite row), so the step count
 * is set by the search, not by K.
 *
 * @param enabled whether to check at all
 * @param every K
 * @param whenLikely whether a likely success triggers a check between the periodic ones
 */
record EarlyStopping(boolean enabled, int every, boolean whenLikely) {
  /** log ½: a token above it is the argmax wherever it is. */
  static final double LIKELY = Math.log(0.5);

  static EarlyStopping of(EditOptions options) {
    return new EarlyStopping(options.isEarlyStopping(), options.getEarlyStopEvery(), options.isCheckWhenLikely());
  }

  /** Whether a check is due once {@code steps} steps have run. */
  boolean due(int steps) {
    return enabled && steps % every == 0;
  }

  /**
   * Whether a check is due once {@code steps} steps have run, given the step's worst target log-probability
   * ({@link EditLoss#worstTargetLogProb}), which is asked for only when it decides.
   */
  boolean due(int steps, DoubleSupplier worstTargetLogProb) {
    return due(steps) || (enabled && whenLikely && worstTargetLogProb.getAsDouble() > LIKELY);
  }
}
