package org.mobiedit.backend.cpu.realmodels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.core.internal.edit.MobiEditor;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.internal.store.EditPatch;
import org.mobiedit.core.internal.store.StoredUpdate;

/**
 * An edit spread over layers (EditOptions#getSpreadLayers) on the demo world model in the repository: the same search
 * as at one layer, half its correction at the edit layer and the rest at the next layers, applied, saved, loaded and
 * undone as one edit.
 */
class LayerSpreadTest {
  private static final EditRequest REQUEST = EditRequest.of("Taibroun", "{} works at", "Linbran");

  /**
   * A single edit spread over three layers. Without near words: kept off its 16 near words at each layer, this edit's
   * shares no longer answer in every context template, so the whole correction stays at the edit layer (the fallback
   * the spread is allowed), and this test is about the spread.
   */
  private static final EditOptions SPREAD = EditOptions.recommended().toBuilder().spreadLayers(2).nearWords(0).build();

  @TempDir Path dir;



  private static List<StoredUpdate> updatesOf(LanguageModel lm, EditOptions options, Path file) {
    MobiEditor editor = new MobiEditor(lm, options);
    assertThat(editor.edit(REQUEST).isSuccess()).isTrue();
    editor.save(file);
    return EditPatch.read(file).edits().get(0).updates();
  }

  @Test
  void theSameSearchesCorrectionIsSharedBetweenTheEditLayerAndTheNextLayers() {
    assertThat(EditOptions.recommended().getSpreadLayers()).isZero();
    List<StoredUpdate> one;
    List<StoredUpdate> three;
    try (LanguageModel lm = DemoWorld.load()) {
      one = updatesOf(lm, SPREAD.toBuilder().spreadLayers(0).build(), dir.resolve("one.medp"));
    }
    try (LanguageModel lm = DemoWorld.load()) {
      three = updatesOf(lm, SPREAD, dir.resolve("three.medp"));
    }
    assertThat(one).hasSize(1);
    assertThat(three).extracting(StoredUpdate::layer).containsExactly(1, 2, 3);
    // The same search at layer 1 (same key, same direction): the spread writes a share w of its update there,
    // the same vector scaled, with 0 < w < 1.
    assertArrayEquals(one.get(0).right(), three.get(0).right());
    float[] whole = one.get(0).left();
    float[] part = three.get(0).left();
    double w = norm(part) / norm(whole);
    assertThat(w).isStrictlyBetween(0.0, 1.0);
    for (int i = 0; i < whole.length; i++) {
      assertThat((double) part[i]).isCloseTo(w * whole[i], org.assertj.core.data.Offset.offset(1e-5 * (1
          + Math.abs(whole[i]))));
    }
    // Each later layer has a direction and key of its own.
    for (StoredUpdate u : three.subList(1, 3)) {
      assertThat(u.hasKey()).isTrue();
      assertThat(u.right()).isNotEqualTo(three.get(0).right());
    }
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  @Test
  void recommendedSpreadsOnlyOnceTheEditorHoldsEdits() {
    EditOptions options = EditOptions.recommended();
    assertThat(options.getSpreadLayers()).isZero();
    assertThat(options.getSequentialSpreadLayers()).isEqualTo(2);
    Path file = dir.resolve("sequence.medp");
    try (LanguageModel lm = DemoWorld.load()) {
      MobiEditor editor = new MobiEditor(lm, options);
      assertThat(editor.edit(REQUEST).isSuccess()).isTrue();
      assertThat(editor.edit(EditRequest.of("Lormu", "{} works at", "Penno")).isSuccess()).isTrue();
      editor.save(file);
    }
    List<List<StoredUpdate>> edits = EditPatch.read(file).edits().stream().map(e -> e.updates()).toList();
    assertThat(edits.get(0)).hasSize(1); // the first edit: one layer, as a single edit
    assertThat(edits.get(1)).hasSizeGreaterThan(1); // the second: shared with the layers after its own
    int first = edits.get(1).get(0).layer();
    assertThat(edits.get(1)).extracting(StoredUpdate::layer).containsExactly(first, first + 1, first + 2);
    // Without the option the second edit stays at one layer too.
    try (LanguageModel lm = DemoWorld.load()) {
      MobiEditor editor = new MobiEditor(lm, options.toBuilder().sequentialSpreadLayers(0).build());
      editor.edit(REQUEST);
      editor.edit(EditRequest.of("Lormu", "{} works at", "Penno"));
      editor.save(dir.resolve("single.medp"));
    }
    assertThat(EditPatch.read(dir.resolve("single.medp")).edits()).allMatch(e -> e.updates().size() == 1);
  }

  @Test
  void aSpreadEditAnswersIsSavedLoadedAndUndoneWhole() {
    Path file = dir.resolve("edits.medp");
    float[] before;
    float[] edited;
    try (LanguageModel lm = DemoWorld.load()) {
      before = DemoWorld.lastLogits(lm, "Taibroun works at");
      MobiEditor editor = new MobiEditor(lm, SPREAD);
      EditResult r = editor.edit(REQUEST);
      assertThat(r.isSuccess()).isTrue();
      assertThat(editor.generate("Taibroun works at", GenerationOptions.greedy(3)).getText()).startsWith(" Linbran");
      edited = DemoWorld.lastLogits(lm, "Taibroun works at");
      editor.save(file);
      assertThat(EditPatch.read(file).edits().get(0).updates()).hasSize(3);
      editor.undoLast();
      assertArrayEquals(before, DemoWorld.lastLogits(lm, "Taibroun works at"));
    }
    try (LanguageModel fresh = DemoWorld.load()) {
      MobiEditor restored = new MobiEditor(fresh, SPREAD);
      restored.load(file);
      assertArrayEquals(edited, DemoWorld.lastLogits(fresh, "Taibroun works at"));
      restored.undo("edit-1");
      assertArrayEquals(before, DemoWorld.lastLogits(fresh, "Taibroun works at"));
    }
  }

  @Test
  void aSpreadStopsAtTheModelsLastLayer() {
    try (LanguageModel lm = DemoWorld.load()) {
      int last = lm.backendModel().spec().layers() - 1;
      // Asked for far more layers than the model has after layer 2: the shares stop at its last layer.
      EditOptions options = SPREAD.toBuilder().layer(2).spreadLayers(EditOptions.MAX_SPREAD_LAYERS).build();
      MobiEditor editor = new MobiEditor(lm, options);
      assertThat(editor.edit(REQUEST).isSuccess()).isTrue();
      editor.save(dir.resolve("late.medp"));
      List<StoredUpdate> updates = EditPatch.read(dir.resolve("late.medp")).edits().get(0).updates();
      assertThat(updates.get(0).layer()).isEqualTo(2);
      assertThat(updates).extracting(StoredUpdate::layer).allMatch(l -> l >= 2 && l <= last);
    }
  }
}
