package org.mobiedit.api;

/**
 * Receives the progress of one edit. Every method has an empty default, so a listener overrides only what it needs.
 * Called on the thread that runs the edit; keep the work short (update a progress bar, post to a UI thread).
 *
 * <p>A method that throws aborts the edit: nothing of it is applied (the model computes bit for bit as before the
 * call), the editor's applied edits are unchanged, and the exception propagates from {@link EditCall#execute()} as
 * itself (the same instance, not wrapped), so a test double's failed expectation or an app's own bug reads as it
 * was thrown. No method is called while a candidate update of the edit is in the model.
 *
 * <p>A listener runs inside its editor's operation: calling that editor from it fails with
 * {@link MobiEditException.Reason#INVALID_REQUEST}, except {@link Editor#close()}, which cancels the edit.
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

  /**
   * One optimisation step finished; {@code loss} is the loss at the step's start as {@link EditResult#getLossCurve()}
   * reports it (the mean over the step's perturbed points).
   */
  public void onStep(int step, int maxSteps, double loss, long forwardPasses) {}

  /** An early-stopping check ran after {@code step} steps. */
  public void onEarlyStopCheck(int step, boolean rewritten) {}

  /**
   * The edit's search finished (successfully or not), just before its update is applied and listed; not called when
   * it was cancelled or failed. Throwing here aborts the edit like any other failure: nothing is applied.
   */
  public void onFinish(EditResult result) {}
}
