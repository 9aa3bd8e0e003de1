package org.mobiedit.kotlin

import java.nio.file.Path
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.isActive
import kotlinx.coroutines.withContext
import org.mobiedit.api.EditOptions
import org.mobiedit.api.Editor
import org.mobiedit.core.LoadOptions
import org.mobiedit.core.MobiEdit
import org.mobiedit.core.Model
import org.mobiedit.core.ModelSource

/**
 * Opens an editor on [model] without blocking the calling thread ([MobiEdit.open] runs on [dispatcher]).
 *
 * Loading cannot be interrupted: when the calling coroutine is cancelled, the load runs to its end, the editor it made
 * is closed, and this function throws [CancellationException]; so a cancelled open leaves nothing open behind it.
 */
public suspend fun openEditor(
    model: Path,
    options: EditOptions = EditOptions.recommended(),
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): Editor = closedIfCancelled(withContext(dispatcher + NonCancellable) { MobiEdit.open(model, options) })

/**
 * Loads a model (a path, or a GGUF asset's channel: [ModelSource.gguf]) without blocking the calling thread; then
 * `MobiEdit.open(model, options)` opens editors on it. Cancellation as for [openEditor]: the model is closed.
 */
public suspend fun loadModel(
    source: ModelSource,
    load: LoadOptions = LoadOptions.defaults(),
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
): Model = closedIfCancelled(withContext(dispatcher + NonCancellable) { MobiEdit.load(source, load) })

private suspend fun <T : AutoCloseable> closedIfCancelled(opened: T): T {
  if (!currentCoroutineContext().isActive) {
    opened.close()
    throw CancellationException("cancelled while loading; what was loaded is closed")
  }
  return opened
}
