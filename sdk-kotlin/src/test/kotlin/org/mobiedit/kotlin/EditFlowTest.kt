package org.mobiedit.kotlin

import java.time.Duration
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.flow.conflate
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.mobiedit.api.MobiEditException
import org.mobiedit.api.MobiEditException.Reason
import org.mobiedit.kotlin.EditProgress.EarlyStopCheck
import org.mobiedit.kotlin.EditProgress.Finished
import org.mobiedit.kotlin.EditProgress.PrefixCacheBuilt
import org.mobiedit.kotlin.EditProgress.Started
import org.mobiedit.kotlin.EditProgress.Step

class EditFlowTest : FakeEditorTest() {

  @Test
  fun `emits every event of the edit in order and completes after Finished`() = runTest {
    fake.onEdit("Lily").succeedAfter(3)

    val events = editor.editFlow(LILY).toList()

    assertThat(events.map { it::class }).containsExactly(
        Started::class, PrefixCacheBuilt::class, Step::class, Step::class, Step::class, EarlyStopCheck::class,
        Finished::class)
    val maxSteps = (events[0] as Started).maxSteps
    assertThat(events[0]).isEqualTo(Started(LILY, maxSteps))
    val steps = events.filterIsInstance<Step>()
    assertThat(steps.map { it.step }).containsExactly(1, 2, 3)
    assertThat(steps.map { it.maxSteps }.distinct()).containsExactly(maxSteps)
    assertThat(steps.map { it.forwardPasses }).isSorted().doesNotHaveDuplicates()
    assertThat(steps.first().loss).isGreaterThan(steps.last().loss)
    assertThat(events[5]).isEqualTo(EarlyStopCheck(3, true))
    val result = (events.last() as Finished).result
    assertThat(result.isSuccess).isTrue()
    assertThat(result.steps).isEqualTo(3)
    assertThat(editor.appliedEdits).containsExactly("edit-1")
  }

  @Test
  fun `is cold - each collection runs one new edit`() = runTest {
    val flow = editor.editFlow(LILY)
    assertThat(fake.editRequests()).isEmpty()

    flow.toList()
    flow.toList()

    assertThat(fake.editRequests()).containsExactly(LILY, LILY)
    assertThat(editor.appliedEdits).containsExactly("edit-1", "edit-2")
  }

  @Test
  fun `take cancels the edit and the collection ends after the edit thread stopped`() = runTest {
    fake.onEdit("Lily").succeedAfter(100).taking(Duration.ofMillis(50)) // 5 s if nothing stops it

    val t0 = System.nanoTime()
    val first = editor.editFlow(LILY).take(3).toList()
    val elapsedMillis = (System.nanoTime() - t0) / 1_000_000

    assertThat(first.map { it::class }).containsExactly(Started::class, PrefixCacheBuilt::class, Step::class)
    // no waiting: the flow returns only after execute() has thrown CANCELLED, which the fake records first
    assertThat(fake.cancelledEdits()).containsExactly(LILY)
    assertThat(editor.appliedEdits).isEmpty()
    assertThat(elapsedMillis).isLessThan(4_000)
  }

  @Test
  fun `the collection ends only after the cancelled edit has stopped`() = runTest {
    val call = StubCall { self ->
      self.listener.onStart(LILY, 10)
      self.listener.onStep(1, 10, 1.0, 6)
      self.awaitCancelled()
      Thread.sleep(300) // restoring the model takes a while
      throw MobiEditException(Reason.CANCELLED, "cancelled")
    }

    val events = editorServing(call).editFlow(LILY).take(2).toList()

    assertThat(events).containsExactly(Started(LILY, 10), Step(1, 10, 1.0, 6))
    assertThat(call.isCanceled).isTrue()
    assertThat(call.ended).isTrue()
  }

  @Test
  fun `cancelling the collecting coroutine cancels the edit`() = runTest {
    fake.onEdit("Lily").succeedAfter(100).taking(Duration.ofSeconds(1)) // 100 s if nothing stops it
    val started = CompletableDeferred<Unit>()
    val job = launch {
      editor.editFlow(LILY).collect { if (it is Started) started.complete(Unit) }
    }
    started.await()

    val t0 = System.nanoTime()
    job.cancelAndJoin()
    val elapsedMillis = (System.nanoTime() - t0) / 1_000_000

    assertThat(fake.cancelledEdits()).containsExactly(LILY)
    assertThat(editor.appliedEdits).isEmpty()
    assertThat(elapsedMillis).isLessThan(5_000)
  }

  @Test
  fun `a slow collector loses no event`() = runTest {
    fake.onEdit("Lily").succeedAfter(180)

    val steps = editor.editFlow(LILY)
        .onEach { if (it is Started) Thread.sleep(200) } // the edit runs ahead meanwhile
        .filterIsInstance<Step>()
        .map { it.step }
        .toList()

    assertThat(steps).isEqualTo((1..180).toList())
  }

  @Test
  fun `a conflated collector still gets Finished last`() = runTest {
    fake.onEdit("Lily").succeedAfter(200)

    val events = editor.editFlow(LILY).conflate().onEach { Thread.sleep(5) }.toList()

    assertThat(events.last()).isInstanceOf(Finished::class.java)
    assertThat((events.last() as Finished).result.steps).isEqualTo(200)
  }

  @Test
  fun `a failing edit completes the flow with its MobiEditException`() = runTest {
    fake.onEdit("Lily").failWith(Reason.BACKEND_FAILURE, "NPU lost")

    val failure = runCatching { editor.editFlow(LILY).toList() }.exceptionOrNull()

    assertThat(failure).isInstanceOf(MobiEditException::class.java).hasMessage("NPU lost")
    assertThat((failure as MobiEditException).reason).isEqualTo(Reason.BACKEND_FAILURE)
    assertThat(editor.appliedEdits).isEmpty()
  }

  @Test
  fun `the events before a failure are delivered, then the failure`() = runTest {
    fake.onEdit("Lily").succeedAfter(5).failAtStep(2, Reason.BACKEND_FAILURE, "NPU lost")
    var failure: Throwable? = null

    val events = editor.editFlow(LILY).catch { failure = it }.toList()

    assertThat(events.map { it::class }).containsExactly(Started::class, PrefixCacheBuilt::class, Step::class)
    assertThat((failure as MobiEditException).reason).isEqualTo(Reason.BACKEND_FAILURE)
  }

  @Test
  fun `an edit cancelled by someone else completes the flow with CANCELLED`() = runTest {
    fake.onEdit("Lily").succeedAfter(5).cancelAtStep(3)

    val failure = runCatching { editor.editFlow(LILY).toList() }.exceptionOrNull()

    assertThat((failure as MobiEditException).reason).isEqualTo(Reason.CANCELLED)
  }
}
