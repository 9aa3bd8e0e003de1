package org.mobiedit.kotlin

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.channels.trySendBlocking
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.launch
import org.mobiedit.api.EditListener
import org.mobiedit.api.EditRequest
import org.mobiedit.api.EditResult
import org.mobiedit.api.Editor
import org.mobiedit.api.MobiEditException

/**
 * The progress of one edit of [request], as a cold [Flow].
 *
 * Nothing happens until the flow is collected; each collection runs one new edit (a new [Editor.newCall]) on
 * [dispatcher]. The flow emits [EditProgress.Started], [EditProgress.PrefixCacheBuilt], the steps and early-stop
 * checks in the order the edit reports them, then [EditProgress.Finished] with the result, and completes. No event
 * is dropped: events wait in an unbounded buffer (an edit reports a few per step), so a slow collector never slows the
 * edit down. A collector that only shows the latest state can apply `conflate()`; it still receives `Finished` last.
 *
 * A failed edit completes the flow with its [MobiEditException] (reason
 * [CANCELLED][MobiEditException.Reason.CANCELLED] if the edit was cancelled by something other than this flow's
 * collector).
 *
 * Cancellation: when the collector stops early (it is cancelled, or an operator such as `take` or `first` has what it
 * needs), the edit is cancelled and the collection ends only after the edit thread has stopped, so the model is
 * already restored when `collect` returns or throws. An edit that had already run to its end when the collector
 * stopped is not undone: it stays applied if it succeeded, even though the collector did not see `Finished`.
 */
public fun Editor.editFlow(
    request: EditRequest,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): Flow<EditProgress> {
  val editor = this
  return callbackFlow {
    val events = this
    val listener = object : EditListener() {
      override fun onStart(request: EditRequest, maxSteps: Int) {
        deliver(EditProgress.Started(request, maxSteps))
      }

      override fun onPrefixCacheBuilt(millis: Long) {
        deliver(EditProgress.PrefixCacheBuilt(millis))
      }

      override fun onStep(step: Int, maxSteps: Int, loss: Double, forwardPasses: Long) {
        deliver(EditProgress.Step(step, maxSteps, loss, forwardPasses))
      }

      override fun onEarlyStopCheck(step: Int, rewritten: Boolean) {
        deliver(EditProgress.EarlyStopCheck(step, rewritten))
      }

      // onFinish is not forwarded: Finished is emitted from execute()'s return value, once and last.

      private fun deliver(event: EditProgress) {
        // Fails only when the collector is gone; the edit is then being cancelled and the event has no reader.
        events.trySendBlocking(event)
      }
    }
    val call = editor.newCall(request, listener)
    // A child of the producer: the collection cannot end before this worker, hence before execute(), has ended.
    launch(dispatcher) {
      val outcome: Result<EditResult> = runCatching { call.execute() }
      val result = outcome.getOrNull()
      if (result != null) {
        events.send(EditProgress.Finished(result))
        events.close()
      } else {
        events.close(outcome.exceptionOrNull())
      }
    }
    // Cancelling a call that already ended does nothing, so this needs no check of how the channel was closed.
    awaitClose { call.cancel() }
  }.buffer(Channel.UNLIMITED)
}
