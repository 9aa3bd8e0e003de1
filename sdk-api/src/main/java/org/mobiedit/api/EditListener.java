package org.mobiedit.api;

/**
 * Receives the progress of one edit. Every method has an empty default, so a listener overrides only what it needs.
 * Called on the thread that runs the edit; keep the work short (update a progress bar, post to a UI thread).
 *
 * <pre>{@code
 * editor.newCall(request, new EditListener() {
 *   @Override public void onStep(int step, int maxSteps, double loss, long forwardPasses) { bar.set(step); }
 * }).execute();
 * }</pre>
 */
public abstract class EditListener {
  /** A listener that ignores everything. */
  public static final EditListener NONE = new EditListener() {};

  /** The rows are built and the search is about to start. */
  public void onStart(EditRequest request, int maxSteps) {}

  /** The exact prefix cache was computed (once per edit). */
  public void onPrefixCacheBuilt(long millis) {}

  /** One optimisation step finished; {@code loss} is the unperturbed loss at the step's start. */
  public void onStep(int step, int maxSteps, double loss, long forwardPasses) {}

  /** An early-stopping check ran after {@code step} steps. */
  public void onEarlyStopCheck(int step, boolean rewritten) {}

  /** The edit finished (successfully or not); not called when it was cancelled or failed. */
  public void onFinish(EditResult result) {}
}
