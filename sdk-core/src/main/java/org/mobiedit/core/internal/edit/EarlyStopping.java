package org.mobiedit.core.internal.edit;

import org.mobiedit.api.EditOptions;

/**
 * When the value search checks whether it is done: every {@code every} steps (the reference's K = 20), the candidate
 * update for the current {@code δ} is tried with one teacher-forced forward pass ({@link RewriteCheck}), and the
 * search stops at the first check the model passes. One forward per K steps; off, the search runs its whole budget.
 *
 * @param enabled whether to check at all
 * @param every K
 */
record EarlyStopping(boolean enabled, int every) {
  static EarlyStopping of(EditOptions options) {
    return new EarlyStopping(options.isEarlyStopping(), options.getEarlyStopEvery());
  }

  /** Whether a check is due once {@code steps} steps have run. */
  boolean due(int steps) {
    return enabled && steps % every == 0;
  }
}
