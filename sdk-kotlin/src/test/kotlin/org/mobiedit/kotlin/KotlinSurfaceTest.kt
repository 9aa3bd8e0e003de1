package org.mobiedit.kotlin

import java.nio.file.Path
import kotlin.reflect.typeOf
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import org.mobiedit.api.EditListener
import org.mobiedit.api.EditOptions
import org.mobiedit.api.EditRequest
import org.mobiedit.api.EditResult
import org.mobiedit.api.Generation
import org.mobiedit.api.GenerationOptions
import org.mobiedit.api.MobiEditException
import org.mobiedit.api.MobiEditException.Reason
import org.mobiedit.api.Precision
import org.mobiedit.core.MobiEdit
import org.mobiedit.testing.FakeBackend
import org.mobiedit.testing.FakeBackendExtension

/**
 * The Java API as a Kotlin app writes against it. Most of this file is a compile-time test: it compiles only while
 * the getters read as properties, the nullness of the `@NullMarked` API is part of the Kotlin types (the module
 * compiles with `-Xjspecify-annotations=strict`), and the listener and builders fit Kotlin's syntax. The checks of
 * [staticType] go further: a platform type (`String!`, what Kotlin sees when the annotations are missing or ignored)
 * fails them.
 */
@ExtendWith(FakeBackendExtension::class)
class KotlinSurfaceTest {

  @Test
  fun `the Java API reads as Kotlin`() = runTest {
    FakeBackend.get().onEdit("Lily").succeedAfter(3)
    val options = editOptions {
      maxSteps(200)
      learningRate(0.5)
      layer(2)
      precision(Precision.INT8)
    }
    val request = EditRequest.of("Lily", "{} is a", "cat")

    MobiEdit.open(Path.of("no-model"), options).use { editor ->
      val progress = mutableListOf<Int>()
      val call = editor.newCall(request) { step, _, _ -> synchronized(progress) { progress += step } }
      val result: EditResult = call.await()

      val success: Boolean = result.isSuccess
      val steps: Int = result.steps
      val subject: String = result.request.subject
      val prompt: String = request.prompt
      val lossCurve: FloatArray = result.lossCurve
      val stop: EditResult.StopReason = result.stopReason
      val canceled: Boolean = call.isCanceled
      val applied: List<String> = editor.appliedEdits

      assertThat(success).isTrue()
      assertThat(steps).isEqualTo(3)
      assertThat(subject).isEqualTo("Lily")
      assertThat(prompt).isEqualTo("Lily is a")
      assertThat(lossCurve).hasSize(3)
      assertThat(stop).isEqualTo(EditResult.StopReason.EARLY_STOP_SUCCESS)
      assertThat(canceled).isFalse()
      assertThat(applied).containsExactly("edit-1")
      assertThat(synchronized(progress) { progress.toList() }).containsExactly(1, 2, 3)
      assertThat(result.layer).isEqualTo(2)

      val generation: Generation = editor.awaitGeneration("Lily is a", generationOptions { maxTokens(8) })
      assertThat(generation.text).isEqualTo(" cat")
      assertThat(generation.stopReason).isEqualTo(Generation.StopReason.END_OF_SEQUENCE)
    }
  }

  @Test
  fun `options read as properties with their declared nullness`() {
    val options: EditOptions = editOptions(EditOptions.recommended()) { seed(7) }
    val layer: Int? = options.layer
    val learningRate: Double = options.learningRate
    val relative: Boolean = options.isRelativeEpsilon

    assertThat(layer).isNull()
    assertThat(learningRate).isEqualTo(EditOptions.recommended().learningRate)
    assertThat(relative).isTrue() // kept from the base
    assertThat(options.seed).isEqualTo(7)
    assertThat(options.maxSteps).isEqualTo(EditOptions.recommended().maxSteps)
    assertThat(editOptions { layer(4) }.layer).isEqualTo(4)

    val sampled: GenerationOptions = generationOptions {
      temperature(0.7f)
      topK(40)
      seed(3)
    }
    assertThat(sampled.isGreedy).isFalse()
    assertThat(sampled.topK).isEqualTo(40)
    assertThat(sampled.maxTokens).isEqualTo(64) // the builder's default
  }

  @Test
  fun `a builder's validation surfaces as MobiEditException`() {
    val failure = runCatching { editOptions { maxSteps(0) } }.exceptionOrNull()

    assertThat(failure).isInstanceOf(MobiEditException::class.java)
    assertThat((failure as MobiEditException).reason).isEqualTo(Reason.INVALID_REQUEST)
  }

  @Test
  fun `nullness comes from JSpecify - nullable, non-null, never platform types`() {
    val request = EditRequest.of("Lily", "{} is a", "cat")
    val result = EditResult.builder(request).build()
    val options = EditOptions.defaults()

    assertThat(staticType(options.layer)).isEqualTo("java.lang.Integer?")
    assertThat(staticType(request.subject)).isEqualTo("java.lang.String")
    assertThat(staticType(result.request)).isEqualTo("org.mobiedit.api.EditRequest")
    assertThat(staticType(result.contextTemplates)).isEqualTo("java.util.List<java.lang.String>")
    assertThat(staticType(EditListener.NONE)).isEqualTo("org.mobiedit.api.EditListener")
  }

  @Test
  fun `a listener overrides only the hooks it needs`() {
    val seen = mutableListOf<String>()
    val listener = object : EditListener() {
      override fun onStart(request: EditRequest, maxSteps: Int) {
        seen += "start ${request.subject} $maxSteps"
      }

      override fun onStep(step: Int, maxSteps: Int, loss: Double, forwardPasses: Long) {
        seen += "step $step"
      }
    }

    MobiEdit.open(Path.of("no-model")).use { editor ->
      FakeBackend.get().onEdit("Lily").succeedAfter(2)
      editor.newCall(EditRequest.of("Lily", "{} is a", "cat"), listener).execute()
    }

    assertThat(seen).containsExactly("start Lily ${EditOptions.recommended().maxSteps}", "step 1", "step 2")
  }

  @Test
  fun `the reason of a failure reads as a property and works in when`() {
    FakeBackend.get().onEdit("Lily").failWith(Reason.BACKEND_FAILURE, "NPU lost")

    val message = MobiEdit.open(Path.of("no-model")).use { editor ->
      try {
        editor.edit("Lily", "{} is a", "cat")
        "no failure"
      } catch (e: MobiEditException) {
        when (e.reason) {
          Reason.CANCELLED -> "cancelled"
          Reason.BACKEND_FAILURE -> "backend: ${e.message}"
          else -> "other"
        }
      }
    }

    assertThat(message).isEqualTo("backend: NPU lost")
  }

  /**
   * The static type of [value] as the compiler inferred it, rendered by [typeOf] without kotlin-reflect (so with Java
   * class names): `java.lang.String?` is nullable, `java.lang.String` non-null, `java.lang.String!` a platform type.
   */
  private inline fun <reified T> staticType(@Suppress("UNUSED_PARAMETER") value: T): String =
      typeOf<T>().toString().removeSuffix(" (Kotlin reflection is not available)")
}
