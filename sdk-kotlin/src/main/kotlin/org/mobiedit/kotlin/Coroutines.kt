package org.mobiedit.kotlin

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.mobiedit.api.EditCall
import org.mobiedit.api.EditListener
import org.mobiedit.api.EditRequest
import org.mobiedit.api.EditResult
import org.mobiedit.api.Editor
import org.mobiedit.api.Generation
import org.mobiedit.api.GenerationOptions
import org.mobiedit.api.MobiEditException

/**
 * Runs this edit without blocking the calling thread: [EditCall.execute] runs on [dispatcher] and the coroutine
 * suspends until it ends.
 *
 * Cancellation: when the calling coroutine is cancelled, [EditCall.cancel] is called and this function keeps
 * waiting, without reacting to further cancellation, until `execute()` has actually returned or thrown. So once it
 * throws [CancellationException], the edit thread has stopped and the edit was not applied: the model computes as it
 * did before the call. The wait lasts at most until the edit's next step (and, if the editor was busy with another
 * operation, until that operation ends, since an editor runs one operation at a time).
 *
 * If the edit had already run to its end when the cancellation reached it, there is nothing left to stop: this
 * function then returns that result (the edit may be applied) instead of throwing, and the coroutine, which is
 * still cancelled, stops at its next suspension point. A [CancellationException] therefore always means "not
 * applied".
 *
 * When the coroutine is not cancelled, every failure of `execute()` propagates unchanged, including
 * [MobiEditException] with reason [CANCELLED][MobiEditException.Reason.CANCELLED] when someone else called
 * [EditCall.cancel].
 *
 * @param dispatcher where the blocking `execute()` runs; [Dispatchers.IO] by default.
 * @return the result of `execute()`.
 * @throws MobiEditException as `execute()` does.
 * @throws IllegalStateException if this call already ran.
 */
public suspend fun EditCall.await(dispatcher: CoroutineDispatcher = Dispatchers.IO): EditResult {
  val call = this
  // Written by the worker, read here after joining it (the join orders the write before the read).
  var outcome: Result<EditResult>? = null
  try {
    coroutineScope {
      val worker = launch(dispatcher) { outcome = runCatching { call.execute() } }
      try {
        worker.join()
      } catch (e: CancellationException) {
        call.cancel()
        withContext(NonCancellable) { worker.join() }
        throw e
      }
    }
  } catch (e: CancellationException) {
    val ended = outcome
    if (ended != null && ended.isSuccess) {
      return ended.getOrThrow()
    }
    throw e
  }
  return checkNotNull(outcome) { "the edit worker ended without an outcome" }.getOrThrow()
}

/**
 * Writes [request] into the model without blocking the calling thread; suspends until the edit ends.
 *
 * The edit runs on [dispatcher] and reports its progress to [listener] on that thread. Cancelling the calling
 * coroutine stops the edit and waits for the model to be restored, as [EditCall.await] describes: a
 * [CancellationException] means the edit was not applied.
 *
 * @throws MobiEditException for a failed edit, as [Editor.edit] does.
 */
public suspend fun Editor.awaitEdit(
    request: EditRequest,
    listener: EditListener = EditListener.NONE,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): EditResult = newCall(request, listener).await(dispatcher)

/**
 * Writes "[subject] [relation] → [newObject]" into the model without blocking the calling thread.
 *
 * The request is built as [EditRequest.of] builds it (a relation template with `{}`, or a phrase that follows the
 * subject); the edit then runs as the other [awaitEdit] runs it, with the same cancellation contract.
 *
 * @throws MobiEditException `INVALID_REQUEST` for blank parts, at once; otherwise as [Editor.edit] does.
 */
public suspend fun Editor.awaitEdit(
    subject: String,
    relation: String,
    newObject: String,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): EditResult = awaitEdit(EditRequest.of(subject, relation, newObject), EditListener.NONE, dispatcher)

/**
 * Continues [prompt] with the (possibly edited) model without blocking the calling thread: [Editor.generate] runs on
 * [dispatcher].
 *
 * Cancellation: the Java API has no way to stop a generation once it runs. Cancelling the calling coroutine
 * therefore takes effect when `generate` returns: this function waits for it, discards the text and throws
 * [CancellationException]. Generation does not change the model.
 *
 * @param options greedy decoding of up to 32 tokens by default; see [generationOptions].
 * @throws MobiEditException as [Editor.generate] does.
 */
public suspend fun Editor.awaitGeneration(
    prompt: String,
    options: GenerationOptions = GenerationOptions.greedy(32),
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): Generation = withContext(dispatcher) { generate(prompt, options) }
