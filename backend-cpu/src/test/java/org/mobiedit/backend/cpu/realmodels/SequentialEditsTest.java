package org.mobiedit.backend.cpu.realmodels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.edit.MobiEditor;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.internal.store.EditPatch;
import org.mobiedit.core.internal.store.StoredEdit;

/**
 * Several edits on one model, undoing one by name, and the set saved and restored on a fresh load. On the demo world
 * model in the repository: on stories260K an edit reaches its new object by a hair (the most likely token at
 * p ≈ 0.22, barely above the old one), and the next edit's side effects at the prompt's other positions can undo it.
 */
class SequentialEditsTest {
  @TempDir Path dir;


  private static String next(MobiEditor e, String prompt) {
    return e.generate(prompt, GenerationOptions.greedy(4)).getText();
  }


  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }

  @Test
  void twoEditsLiveTogetherOneIsUndoneByNameAndTheRestIsRestoredFromItsFile() {
    EditOptions options = EditOptions.recommended();
    Path file = dir.resolve("edits.medp");
    float[] melmalEdited;
    try (LanguageModel lm = DemoWorld.load()) {
      MobiEditor editor = new MobiEditor(lm, options);
      String zevourBefore = next(editor, "Zevour was born in");
      assertThat(editor.edit(EditRequest.of("Zevour", "{} was born in", "Gaizobu")).isSuccess()).isTrue();
      assertThat(editor.edit(EditRequest.of("Melmal", "{} speaks", "Zenemeshese")).isSuccess()).isTrue();
      assertThat(editor.getAppliedEdits()).containsExactly("edit-1", "edit-2");
      assertThat(next(editor, "Zevour was born in")).startsWith(" Gaizobu");
      assertThat(next(editor, "Melmal speaks")).startsWith(" Zenemeshese");

      editor.undo("edit-1");
      assertThat(editor.getAppliedEdits()).containsExactly("edit-2");
      assertThat(next(editor, "Zevour was born in")).isEqualTo(zevourBefore);
      assertThat(next(editor, "Melmal speaks")).startsWith(" Zenemeshese");
      assertThatThrownBy(() -> editor.undo("edit-1")).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("applied: [edit-2]");
      editor.save(file);
      melmalEdited = DemoWorld.lastLogits(lm, "Melmal speaks");
    }
    // The second edit was written orthogonal to the first one's subject key as the model has it at the second edit's
    // layer (the default protects earlier edits; their keys are read afresh where the new edit writes).
    Path both = dir.resolve("both.medp");
    float[] zevourKey;
    try (LanguageModel lm = DemoWorld.load()) {
      MobiEditor editor = new MobiEditor(lm, options);
      editor.edit(EditRequest.of("Zevour", "{} was born in", "Gaizobu"));
      editor.edit(EditRequest.of("Melmal", "{} speaks", "Zenemeshese"));
      editor.save(both);
      int layer = EditPatch.read(both).edits().get(1).updates().get(0).layer();
      int[] zevour = lm.tokenizer().encodeForModel("Zevour");
      // the second edit's own write is downstream of its layer's keys, so capturing after it reads what it saw
      zevourKey = lm.backendModel().captureMlp(new int[][] {zevour}, layer, new int[] {zevour.length - 1}).keys()[0];
    }
    List<StoredEdit> edits = EditPatch.read(both).edits();
    float[] secondKey = edits.get(1).key();
    assertThat(Math.abs(dot(edits.get(1).right(), zevourKey))).isLessThan(1e-4 * norm(zevourKey));
    assertThat(Math.abs(dot(edits.get(1).right(), secondKey))).isGreaterThan(0.05 * norm(secondKey));
    try (LanguageModel fresh = DemoWorld.load()) {
      MobiEditor restored = new MobiEditor(fresh, options);
      restored.load(file);
      assertThat(restored.getAppliedEdits()).containsExactly("edit-2");
      assertArrayEquals(melmalEdited, DemoWorld.lastLogits(fresh, "Melmal speaks"));
      restored.undoLast();
      assertThat(restored.getAppliedEdits().size()).isZero();
    }
  }
}
