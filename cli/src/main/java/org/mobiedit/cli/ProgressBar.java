package org.mobiedit.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;

/**
 * A one-line progress bar for an edit on the terminal: step, loss, forward passes and time left. Its clock starts when
 * the search does ({@code onStart}), after the edit's preparation (context templates, the key and, on a model's
 * first edit, its key statistics), which {@link #preparationMillis} tells apart.
 */
final class ProgressBar extends EditListener {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final long created = System.nanoTime();
  private long start;
  private long lastDraw;

  /** Made just before the edit starts, so that its preparation is the time until {@code onStart}. */
  ProgressBar(PrintWriter err) {
    this.err = err;
  }

  /** The time from this bar's creation to the search's start: the edit's preparation. */
  long preparationMillis() {
    return start == 0 ? 0 : (start - created) / 1_000_000;
  }

  @Override
  public void onStart(EditRequest request, int maxSteps) {
    start = System.nanoTime();
  }

  @Override
  public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
    long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS && step != maxSteps) {
      return;
    }
    lastDraw = now;
    int filled = (int) ((long) WIDTH * step / maxSteps);
    double elapsed = (now - start) / 1e9;
    double eta = elapsed / step * (maxSteps - step);
    err.printf(Locale.ROOT, "\r[%s%s] step %d/%d  loss %.4f  %d passes  %.1fs (at most %.0fs left)  ",
        "#".repeat(filled), ".".repeat(WIDTH - filled), step, maxSteps, loss, forwardPasses, elapsed, eta);
    err.flush();
  }

  @Override
  public void onEarlyStopCheck(int step, boolean rewritten) {
    if (rewritten) {
      err.printf(Locale.ROOT, "%n  early stop after %d steps: every target token is the top prediction%n", step);
      err.flush();
    }
  }

  @Override
  public void onFinish(EditResult result) {
    if (result.getStopReason() != EditResult.StopReason.EARLY_STOP_SUCCESS) {
      err.println();
      err.flush();
    }
  }
}
