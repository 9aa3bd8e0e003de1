package org.mobiedit.kotlin

import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.channels.trySendBlocking
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.launch
import org.mobiedit.api.Editor
import org.mobiedit.api.GenerationOptions

/**
 * The continuation of [prompt] as a cold flow of text pieces, one per generated token, as the model produces them
 * ([Editor.generate] with a [org.mobiedit.api.TextListener]); the generation runs on [dispatcher].
 *
 * Cancellation: when the collector stops (it is cancelled, or takes what it needs with `take`), the generation stops
 * at its next token, and the collection ends only after the generating thread has returned, so the editor is free
 * for the next operation. A failure of the generation ends the flow with that exception.
 */
public fun Editor.generationFlow(
    prompt: String,
    options: GenerationOptions,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): Flow<String> {
  val editor = this
  return callbackFlow {
    val pieces = this
    val stop = AtomicBoolean(false)
    // A child of the producer: the collection cannot end before this worker, hence the generation, has ended.
    launch(dispatcher) {
      val outcome = runCatching {
        editor.generate(prompt, options) { piece ->
          if (piece.isNotEmpty() && !stop.get()) {
            pieces.trySendBlocking(piece)
          }
          !stop.get()
        }
      }
      pieces.close(outcome.exceptionOrNull())
    }
    awaitClose { stop.set(true) }
  }.buffer(Channel.UNLIMITED)
}
