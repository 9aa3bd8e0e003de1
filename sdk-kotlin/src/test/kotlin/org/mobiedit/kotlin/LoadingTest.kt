package org.mobiedit.kotlin

import java.nio.file.Path
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import org.mobiedit.api.EditRequest
import org.mobiedit.testing.FakeBackend
import org.mobiedit.testing.FakeBackendExtension

@ExtendWith(FakeBackendExtension::class)
class LoadingTest {
  @Test
  fun `openEditor suspends instead of blocking and gives a working editor`(fake: FakeBackend) = runTest {
    fake.onEdit("Lily").succeedAfter(4)
    openEditor(Path.of("models/not-here")).use { editor ->
      assertThat(editor.awaitEdit(EditRequest.of("Lily", "{} went to the", "moon")).steps).isEqualTo(4)
    }
  }
}
