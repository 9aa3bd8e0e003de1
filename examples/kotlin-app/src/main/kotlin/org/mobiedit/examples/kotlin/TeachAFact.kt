package org.mobiedit.examples.kotlin

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.takeWhile
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.CompletableDeferred
import org.mobiedit.api.EditRequest
import org.mobiedit.kotlin.EditProgress
import org.mobiedit.kotlin.awaitEdit
import org.mobiedit.kotlin.awaitGeneration
import org.mobiedit.kotlin.editFlow
import org.mobiedit.kotlin.editOptions
import org.mobiedit.kotlin.generationOptions
import org.mobiedit.kotlin.openEditor
import org.mobiedit.world.WorldModel

/**
 * A Kotlin app: teaches the demo model a fact while showing progress from a Flow, asks it, then starts a second edit
 * and cancels it from the UI's side, and shows that the cancelled edit left nothing behind.
 */
fun main(): Unit = runBlocking {
  val options = editOptions(base = org.mobiedit.api.EditOptions.recommended()) { layer(WorldModel.EDIT_LAYER) }
  val short = generationOptions { maxTokens(6) }
  openEditor(WorldModel.extract(), options).use { editor ->
    val request = EditRequest.of("Zevour", "{} was born in", "Gaizobu")
    println("before: ${request.prompt}${editor.awaitGeneration(request.prompt, short).text}")

    var learned = false
    editor.editFlow(request).collect { progress ->
      when (progress) {
        is EditProgress.Step -> if (progress.step % 10 == 0) println("  step ${progress.step}, loss ${"%.3f".format(progress.loss)}")
        is EditProgress.Finished -> {
          learned = progress.result.isSuccess
          println("edit: ${if (learned) "success" else "no success"} after ${progress.result.steps} steps")
        }
        else -> Unit
      }
    }
    val after = editor.awaitGeneration(request.prompt, short).text
    println("after:  ${request.prompt}$after")
    check(learned && after.trim().startsWith(request.newObject)) { "the model did not learn the fact" }

    // A second edit, cancelled by the user at its third step: the coroutine is cancelled, the edit stops and the
    // model is left as it was.
    val other = EditRequest.of("Zevour", "{} was born in", "Fosler")
    val thirdStep = CompletableDeferred<Unit>()
    val job = launch {
      try {
        editor.editFlow(other).onEach { if (it is EditProgress.Step && it.step == 3) thirdStep.complete(Unit) }
          .takeWhile { it !is EditProgress.Finished }.collect()
      } catch (e: CancellationException) {
        println("second edit cancelled by the user")
        throw e
      }
    }
    thirdStep.await()
    job.cancel()
    job.join()
    val still = editor.awaitGeneration(request.prompt, short).text
    println("after the cancelled edit: ${request.prompt}$still")
    check(still == after) { "a cancelled edit changed the model" }
    check(editor.appliedEdits.size == 1) { "expected only the first edit, got ${editor.appliedEdits}" }

    editor.undoLast()
    println("undone: ${request.prompt}${editor.awaitGeneration(request.prompt, short).text}")
    // awaitEdit is the one-line form when no progress is shown
    val again = editor.awaitEdit("Zevour", "{} was born in", "Gaizobu")
    println("taught again with awaitEdit: success=${again.isSuccess}")
  }
}
