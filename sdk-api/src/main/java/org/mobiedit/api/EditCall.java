package org.mobiedit.api;

/**
 * One edit, ready to run: {@link #execute()} runs it on the calling thread; {@link #cancel()} (from any thread) stops
 * it at the next step, leaving the model's weights exactly as they were before the call (with static activation
 * quantization, the activation scales are the ones the edit calibrated on its own rows). A call runs at most once.
 */
public interface EditCall {
  EditRequest getRequest();

  /**
   * Runs the edit and applies it to the model.
   *
   * @throws MobiEditException {@code CANCELLED} if cancelled (nothing is applied), {@code INVALID_REQUEST} if the
   *     editor is closed, or the reason of another failure; whatever fails, the model is left as it was
   * @throws RuntimeException or {@link Error} that the call's {@link EditListener} threw, as itself (nothing is
   *     applied)
   * @throws IllegalStateException if the call already ran
   */
  EditResult execute();

  /** Asks the edit to stop; safe from any thread, any number of times. */
  void cancel();

  boolean isCanceled();
}
