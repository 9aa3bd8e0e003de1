package org.mobiedit.backend.cpu.realmodels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.edit.MobiEditor;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.testing.SharedData;

/** Several edits on one model, undoing one by name, and the set saved and restored on a fresh load. */
class SequentialEditsTest {
  @TempDir Path dir;

  private static LanguageModel load() {
    return LanguageModel.load(SharedData.require("models/stories260K/stories260K-f32.gguf"),
        new LoadOptions(Precision.FP32, "cpu", 2));
  }

  private static String next(MobiEditor e, String prompt) {
    return e.generate(prompt, GenerationOptions.greedy(4)).getText();
  }

  private static float[] logits(LanguageModel lm, String prompt) {
    int[] ids = lm.tokenizer().encodeForModel(prompt);
    return lm.backendModel().forward(new int[][] {ids}, new int[][] {{ids.length - 1}})[0][0];
  }

  @Test
  void twoEditsLiveTogetherOneIsUndoneByNameAndTheRestIsRestoredFromItsFile() {
    EditOptions options = EditOptions.recommended();
    Path file = dir.resolve("edits.medp");
    float[] tomEdited;
    try (LanguageModel lm = load()) {
      MobiEditor editor = new MobiEditor(lm, options);
      String lilyBefore = next(editor, "Lily went to the");
      assertThat(editor.edit(EditRequest.of("Lily", "{} went to the", "zoo")).isSuccess()).isTrue();
      assertThat(editor.edit(EditRequest.of("Tom", "{} saw a big", "cat")).isSuccess()).isTrue();
      assertThat(editor.getAppliedEdits()).containsExactly("edit-1", "edit-2");
      assertThat(next(editor, "Lily went to the")).startsWith(" zoo");
      assertThat(next(editor, "Tom saw a big")).startsWith(" cat");

      editor.undo("edit-1");
      assertThat(editor.getAppliedEdits()).containsExactly("edit-2");
      assertThat(next(editor, "Lily went to the")).isEqualTo(lilyBefore);
      assertThat(next(editor, "Tom saw a big")).startsWith(" cat");
      assertThatThrownBy(() -> editor.undo("edit-1")).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("applied: [edit-2]");
      editor.save(file);
      tomEdited = logits(lm, "Tom saw a big");
    }
    try (LanguageModel fresh = load()) {
      MobiEditor restored = new MobiEditor(fresh, options);
      restored.load(file);
      assertThat(restored.getAppliedEdits()).containsExactly("edit-2");
      assertArrayEquals(tomEdited, logits(fresh, "Tom saw a big"));
      restored.undoLast();
      assertThat(restored.getAppliedEdits().size()).isZero();
    }
  }
}
