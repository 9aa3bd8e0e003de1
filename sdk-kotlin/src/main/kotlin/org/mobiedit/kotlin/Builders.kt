package org.mobiedit.kotlin

import org.mobiedit.api.EditCall
import org.mobiedit.api.EditListener
import org.mobiedit.api.EditOptions
import org.mobiedit.api.EditRequest
import org.mobiedit.api.Editor
import org.mobiedit.api.GenerationOptions
import org.mobiedit.api.MobiEditException

/**
 * Builds [EditOptions] with a trailing lambda, starting from [base] (the SDK's default, [EditOptions.recommended], unless
 * given; [EditOptions.paper] for the paper's configuration):
 *
 * ```
 * val options = editOptions(EditOptions.recommended()) {
 *   maxSteps(300)
 *   layer(5)
 * }
 * ```
 *
 * [block] runs once, on the calling thread, before this function returns.
 *
 * @throws MobiEditException `INVALID_REQUEST` naming the first out-of-range value.
 */
public inline fun editOptions(
    base: EditOptions = EditOptions.recommended(),
    block: EditOptions.Builder.() -> Unit,
): EditOptions = base.toBuilder().apply(block).build()

/**
 * Builds [GenerationOptions] with a trailing lambda, starting from the builder's defaults (greedy, 64 tokens, stop
 * at end of sequence):
 *
 * ```
 * val sampled = generationOptions { temperature(0.7f); topP(0.9f); seed(7) }
 * ```
 *
 * [block] runs once, on the calling thread, before this function returns.
 *
 * @throws MobiEditException `INVALID_REQUEST` for out-of-range values.
 */
public inline fun generationOptions(block: GenerationOptions.Builder.() -> Unit): GenerationOptions =
    GenerationOptions.builder().apply(block).build()

/**
 * A cancellable edit of [request] that reports each finished optimisation step to [onStep]:
 *
 * ```
 * val call = editor.newCall(request) { step, maxSteps, loss -> progress.value = step.toFloat() / maxSteps }
 * val result = call.await()
 * ```
 *
 * [onStep] is called on the thread that runs the edit (the one calling [EditCall.execute], or the dispatcher of
 * [EditCall.await]), once per step, in order; keep it short. For the other events, pass an [EditListener] to the
 * Java overload or collect [editFlow].
 */
public fun Editor.newCall(
    request: EditRequest,
    onStep: (step: Int, maxSteps: Int, loss: Double) -> Unit,
): EditCall {
  val report = onStep
  return newCall(
      request,
      object : EditListener() {
        override fun onStep(step: Int, maxSteps: Int, loss: Double, forwardPasses: Long) {
          report(step, maxSteps, loss)
        }
      },
  )
}
