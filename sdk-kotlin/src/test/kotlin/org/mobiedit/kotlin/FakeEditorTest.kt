package org.mobiedit.kotlin

import java.nio.file.Path
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.extension.ExtendWith
import org.mobiedit.api.EditRequest
import org.mobiedit.api.Editor
import org.mobiedit.core.MobiEdit
import org.mobiedit.testing.FakeBackend
import org.mobiedit.testing.FakeBackendExtension

/**
 * Tests that edit through the SDK's real entry point: with sdk-testing on the class path, [MobiEdit.open] returns the
 * fake backend's editor, which follows [FakeBackend]'s script (reset before each test by the extension).
 */
@ExtendWith(FakeBackendExtension::class)
abstract class FakeEditorTest {
  protected lateinit var editor: Editor
  protected val fake: FakeBackend
    get() = FakeBackend.get()

  @BeforeEach
  fun openEditor() {
    editor = MobiEdit.open(Path.of("no-model"))
  }

  @AfterEach
  fun closeEditor() {
    editor.close()
  }

  companion object {
    val LILY: EditRequest = EditRequest.of("Lily", "{} is a", "cat")
  }
}
