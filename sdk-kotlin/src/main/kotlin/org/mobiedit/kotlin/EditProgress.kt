package org.mobiedit.kotlin

import org.mobiedit.api.EditRequest
import org.mobiedit.api.EditResult

/**
 * One event of an edit's progress, as [editFlow] emits them: [Started], [PrefixCacheBuilt], one [Step] per
 * optimisation step with an [EarlyStopCheck] where the engine checks for early stopping, and [Finished] last.
 *
 * Each value mirrors one hook of [org.mobiedit.api.EditListener]; they are immutable and safe to hand to any thread.
 */
public sealed interface EditProgress {
  /**
   * The edit's rows are built and the search is about to start.
   *
   * @property request the request being written.
   * @property maxSteps the step budget of the search.
   */
  public data class Started(public val request: EditRequest, public val maxSteps: Int) : EditProgress

  /**
   * The exact prefix cache was computed (once per edit).
   *
   * @property millis how long it took.
   */
  public data class PrefixCacheBuilt(public val millis: Long) : EditProgress

  /**
   * One optimisation step finished.
   *
   * @property step the step that finished, from 1.
   * @property maxSteps the step budget of the search.
   * @property loss the unperturbed loss at the step's start.
   * @property forwardPasses forward passes run so far by this edit.
   */
  public data class Step(
      public val step: Int,
      public val maxSteps: Int,
      public val loss: Double,
      public val forwardPasses: Long,
  ) : EditProgress

  /**
   * An early-stopping check ran.
   *
   * @property step the steps taken when the check ran.
   * @property rewritten whether every target token was already the model's top choice.
   */
  public data class EarlyStopCheck(public val step: Int, public val rewritten: Boolean) : EditProgress

  /**
   * The edit ended and returned [result]; always the last event of a flow that completes normally. The result says
   * whether the edit succeeded (and, unless the options keep unsuccessful edits, whether it was applied).
   *
   * @property result what the edit did and what it cost.
   */
  public data class Finished(public val result: EditResult) : EditProgress
}
