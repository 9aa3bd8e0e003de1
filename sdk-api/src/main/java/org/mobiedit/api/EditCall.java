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

  /**
   * Runs the edit on a new background thread and returns at once; the outcome goes to {@code callback} on that thread
   * (an app posts it to its UI thread itself). {@link #cancel()} works as with {@link #execute()}: the callback then
   * receives a {@code CANCELLED} {@link MobiEditException}. Whatever {@link #execute()} would throw (a failure, the
   * listener's exception, a second run of the call) is what {@link Callback#onFailure} receives.
   */
  default void enqueue(Callback callback) {
    if (callback == null) {
      throw new IllegalArgumentException("give a callback for the edit's outcome");
    }
    Thread worker = new Thread(() -> {
      EditResult result;
      try {
        result = execute();
      } catch (RuntimeException e) {
        callback.onFailure(this, e);
        return;
      }
      callback.onResult(this, result);
    }, "mobiedit-edit");
    worker.setDaemon(true);
    worker.start();
  }

  /** The outcome of an {@link #enqueue enqueued} edit, delivered on the edit's background thread. */
  interface Callback {
    /** The edit ran; {@code result} says whether it succeeded (an edit that did not converge is a result too). */
    void onResult(EditCall call, EditResult result);

    /**
     * The edit did not run to a result: a {@link MobiEditException} (its {@link MobiEditException#getReason()},
     * {@code CANCELLED} after {@link #cancel()}), or what the call's {@link EditListener} threw; the model is as it
     * was before the call.
     */
    void onFailure(EditCall call, RuntimeException error);
  }

  /** Asks the edit to stop; safe from any thread, any number of times. */
  void cancel();

  boolean isCanceled();
}
