package org.mobiedit.kotlin

import java.time.Duration
import java.util.concurrent.Executors
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.mobiedit.api.EditListener
import org.mobiedit.api.EditRequest
import org.mobiedit.api.EditResult
import org.mobiedit.api.Editor
import org.mobiedit.api.Generation
import org.mobiedit.api.GenerationOptions
import org.mobiedit.api.MobiEditException
import org.mobiedit.api.MobiEditException.Reason
import org.mockito.Mockito

class AwaitTest : FakeEditorTest() {

  @Test
  fun `await returns the result of the edit`() = runTest {
    fake.onEdit("Lily").succeedAfter(3)

    val result = editor.newCall(LILY, EditListener.NONE).await()

    assertThat(result.request).isEqualTo(LILY)
    assertThat(result.isSuccess).isTrue()
    assertThat(result.steps).isEqualTo(3)
    assertThat(editor.appliedEdits).containsExactly("edit-1")
    assertThat(fake.editRequests()).containsExactly(LILY)
  }

  @Test
  fun `cancelling the awaiting coroutine cancels the edit and nothing is applied`() = runTest {
    fake.onEdit("Lily").succeedAfter(100).taking(Duration.ofSeconds(1)) // 100 s if nothing stops it
    val started = CompletableDeferred<Unit>()
    val call = editor.newCall(LILY, object : EditListener() {
      override fun onStart(request: EditRequest, maxSteps: Int) {
        started.complete(Unit)
      }
    })
    var thrown: Throwable? = null
    val job = launch {
      try {
        call.await()
      } catch (e: Throwable) {
        thrown = e
        throw e
      }
    }
    started.await()

    val t0 = System.nanoTime()
    job.cancelAndJoin()
    val elapsedMillis = (System.nanoTime() - t0) / 1_000_000

    assertThat(thrown).isInstanceOf(CancellationException::class.java)
    assertThat(call.isCanceled).isTrue()
    // recorded by the edit thread before execute() threw: await waited for it, so no polling is needed
    assertThat(fake.cancelledEdits()).containsExactly(LILY)
    assertThat(editor.appliedEdits).isEmpty()
    assertThat(elapsedMillis).isLessThan(5_000)
  }

  @Test
  fun `after cancellation await rethrows only once execute has returned`() = runTest {
    val started = CompletableDeferred<Unit>()
    val call = StubCall { self ->
      started.complete(Unit)
      self.awaitCancelled()
      Thread.sleep(300) // restoring the model takes a while
      throw MobiEditException(Reason.CANCELLED, "cancelled")
    }
    val job = launch { call.await() }
    started.await()

    job.cancelAndJoin()

    assertThat(call.isCanceled).isTrue()
    assertThat(call.ended).isTrue()
  }

  @Test
  fun `an edit that ran to its end before the cancellation reached it returns its result`() = runTest {
    val started = CompletableDeferred<Unit>()
    val done = EditResult.builder(LILY).success(true).steps(7).build()
    val call = StubCall { self ->
      started.complete(Unit)
      self.awaitCancelled() // the cancellation arrives, but the edit is past its last step and completes
      done
    }
    var returned: EditResult? = null
    val job = launch { returned = call.await() }
    started.await()

    job.cancelAndJoin()

    assertThat(job.isCancelled).isTrue()
    assertThat(returned).isSameAs(done)
  }

  @Test
  fun `a failure of the edit propagates with its reason`() = runTest {
    fake.onEdit("Lily").failWith(Reason.BACKEND_FAILURE, "NPU lost")

    val failure = runCatching { editor.awaitEdit(LILY) }.exceptionOrNull()

    assertThat(failure).isInstanceOf(MobiEditException::class.java).hasMessage("NPU lost")
    assertThat((failure as MobiEditException).reason).isEqualTo(Reason.BACKEND_FAILURE)
    assertThat(editor.appliedEdits).isEmpty()
  }

  @Test
  fun `an edit cancelled by someone else fails with CANCELLED and leaves the coroutine active`() = runTest {
    fake.onEdit("Lily").succeedAfter(10).cancelAtStep(2)

    val failure = runCatching { editor.awaitEdit(LILY) }.exceptionOrNull()

    assertThat(failure).isInstanceOf(MobiEditException::class.java)
    assertThat((failure as MobiEditException).reason).isEqualTo(Reason.CANCELLED)
    assertThat(isActive).isTrue()
    assertThat(editor.appliedEdits).isEmpty()
  }

  @Test
  fun `awaitEdit with subject, relation and new object builds the request as EditRequest of does`() = runTest {
    val result = editor.awaitEdit("Lily", "is a", "cat")

    assertThat(fake.editRequests()).containsExactly(EditRequest.of("Lily", "is a", "cat"))
    assertThat(result.steps).isEqualTo(5) // an unscripted fake edit
    assertThat(editor.appliedEdits).containsExactly("edit-1")
  }

  @Test
  fun `awaitEdit reports progress to the listener`() = runTest {
    fake.onEdit("Lily").succeedAfter(4)
    val steps = mutableListOf<Int>()

    editor.awaitEdit(LILY, object : EditListener() {
      override fun onStep(step: Int, maxSteps: Int, loss: Double, forwardPasses: Long) {
        synchronized(steps) { steps += step }
      }
    })

    assertThat(synchronized(steps) { steps.toList() }).containsExactly(1, 2, 3, 4)
  }

  @Test
  fun `the edit runs on the given dispatcher, not on the caller's thread`() = runTest {
    val call = StubCall { EditResult.builder(LILY).build() }
    Executors.newSingleThreadExecutor { r -> Thread(r, "edit-worker") }.asCoroutineDispatcher().use { dispatcher ->
      call.await(dispatcher)
    }

    assertThat(call.thread?.name).startsWith("edit-worker") // with a " @coroutine#n" suffix in debug mode
  }

  @Test
  fun `awaitGeneration continues the prompt`() = runTest {
    fake.onGenerate("Lily is a").reply(" cat that sleeps")

    assertThat(editor.awaitGeneration("Lily is a").text).isEqualTo(" cat that sleeps")
    assertThat(editor.awaitGeneration("Lily is a", generationOptions { maxTokens(4) }).text).isEqualTo(" cat")
    assertThat(fake.generatePrompts()).containsExactly("Lily is a", "Lily is a")
  }

  @Test
  fun `awaitGeneration propagates a failure`() = runTest {
    fake.onGenerate("Lily is a").failWith(Reason.BACKEND_FAILURE, "NPU lost")

    val failure = runCatching { editor.awaitGeneration("Lily is a") }.exceptionOrNull()

    assertThat(failure).isInstanceOf(MobiEditException::class.java)
    assertThat((failure as MobiEditException).reason).isEqualTo(Reason.BACKEND_FAILURE)
  }

  @Test
  fun `awaitGeneration runs generate off the caller's thread, greedy with 32 tokens by default`() = runTest {
    val mock = Mockito.mock(Editor::class.java)
    var generateThread: Thread? = null
    var options: GenerationOptions? = null
    Mockito.`when`(mock.generate(Mockito.anyString(), Mockito.any())).thenAnswer { invocation ->
      generateThread = Thread.currentThread()
      options = invocation.getArgument(1)
      Generation(intArrayOf(1), intArrayOf(2), "x", Generation.StopReason.MAX_TOKENS, 0, 0)
    }
    val caller = Thread.currentThread()

    mock.awaitGeneration("Lily is a")

    assertThat(generateThread).isNotNull().isNotSameAs(caller)
    assertThat(options?.isGreedy).isTrue()
    assertThat(options?.maxTokens).isEqualTo(32)
  }
}
