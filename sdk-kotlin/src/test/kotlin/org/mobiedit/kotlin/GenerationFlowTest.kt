package org.mobiedit.kotlin

import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import org.mobiedit.api.Generation
import org.mobiedit.api.GenerationOptions
import org.mobiedit.api.TextListener
import org.mobiedit.core.MobiEdit
import org.mobiedit.testing.FakeBackend
import org.mobiedit.testing.FakeBackendExtension
import java.nio.file.Path

@ExtendWith(FakeBackendExtension::class)
class GenerationFlowTest {
  private val noModel = Path.of("models/not-here")

  @Test
  fun `streams the answer piece by piece and completes with the whole text`(fake: FakeBackend) = runTest {
    fake.onGenerate("Lily went to the").reply(" park today")
    MobiEdit.open(noModel).use { editor ->
      val pieces = editor.generationFlow("Lily went to the", GenerationOptions.greedy(32)).toList()
      assertThat(pieces.joinToString("")).isEqualTo(" park today")
      assertThat(pieces).hasSize(" park today".length)
    }
  }

  @Test
  fun `take stops the generation at the next token`(fake: FakeBackend) = runTest {
    fake.onGenerate("Lily went to the").reply(" park today")
    MobiEdit.open(noModel).use { editor ->
      val first = editor.generationFlow("Lily went to the", GenerationOptions.greedy(32)).take(3).toList()
      assertThat(first.joinToString("")).isEqualTo(" pa")
      // the editor is free again, and a listener that stops sees STOPPED
      var n = 0
      val stopped = editor.generate("Lily went to the", GenerationOptions.greedy(32), TextListener { ++n < 2 })
      assertThat(stopped.stopReason).isEqualTo(Generation.StopReason.STOPPED)
      assertThat(stopped.text).isEqualTo(" p")
    }
  }
}
