package org.mobiedit.kotlin

import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import org.mobiedit.api.EditCall
import org.mobiedit.api.EditListener
import org.mobiedit.api.EditRequest
import org.mobiedit.api.EditResult
import org.mobiedit.api.Editor
import org.mockito.Mockito

/**
 * A hand-made [EditCall] for timings the fake backend cannot script: execute() runs [body] on the executing thread
 * and records that thread and when execute() ended.
 */
class StubCall(private val body: (StubCall) -> EditResult) : EditCall {
  private val cancelled = CountDownLatch(1)

  /** The listener of the call; set by [editorServing]. */
  @Volatile var listener: EditListener = EditListener.NONE

  /** Whether execute() has returned or thrown. */
  @Volatile var ended = false
    private set

  /** The thread that ran execute(). */
  @Volatile var thread: Thread? = null
    private set

  override fun getRequest(): EditRequest = FakeEditorTest.LILY

  override fun execute(): EditResult {
    thread = Thread.currentThread()
    try {
      return body(this)
    } finally {
      ended = true
    }
  }

  override fun cancel() = cancelled.countDown()

  override fun isCanceled(): Boolean = cancelled.count == 0L

  /** Blocks the edit thread until cancel() is called. */
  fun awaitCancelled() {
    check(cancelled.await(10, TimeUnit.SECONDS)) { "not cancelled within 10 s" }
  }
}

/** A mock editor whose newCall returns [call], with the listener it was given. */
fun editorServing(call: StubCall): Editor {
  val editor = Mockito.mock(Editor::class.java)
  Mockito.`when`(editor.newCall(Mockito.any(), Mockito.any())).thenAnswer { invocation ->
    call.listener = invocation.getArgument(1)
    call
  }
  return editor
}
