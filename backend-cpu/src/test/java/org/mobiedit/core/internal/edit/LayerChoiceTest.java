package org.mobiedit.core.internal.edit;

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
import org.mobiedit.backend.cpu.realmodels.DemoWorld;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.internal.store.EditPatch;
import org.mobiedit.core.internal.store.StoredEdit;

/**
 * The layer of an edit made while the editor holds others (EditOptions#getSequentialLayers), on the demo world model
 * in the repository, against the rule computed here from its definition.
 */
class LayerChoiceTest {
  private static final EditRequest FIRST = EditRequest.of("Zevour", "{} was born in", "Gaizobu");
  private static final EditRequest SECOND = EditRequest.of("Thado", "{} lives in", "Gesse");

  @TempDir Path dir;



  /** The layer the rule picks for {@code request} on the model as it is, with {@code earlier} applied. */
  private static int leastDisturbing(LanguageModel lm, EditOptions options, EditRequest request,
      List<StoredEdit> earlier) {
    List<String> templates = ContextTemplates.generate(lm.backendModel(), lm.tokenizer(),
        options.getContextTemplates(), options.getSeed());
    EditBatch batch = EditBatch.build(lm.tokenizer(), request, templates, lm.spec().contextLength());
    // the statistics the editor uses: the world's prepared ones
    KeyStatisticsCache statistics = new KeyStatisticsCache(lm.backendModel(), lm.tokenizer(),
        PreparedKeyStatistics.location(lm), PreparedKeyStatistics.expected(lm));
    int best = -1;
    double bestCost = Double.MAX_VALUE;
    for (int layer = 1; layer <= 1 + options.getSequentialLayers(); layer++) {
      KeyDirection key = KeyDirection.capture(lm.backendModel(), batch, layer, options, statistics,
          EarlierEdits.of(lm.tokenizer(), earlier, lm.spec().contextLength()));
      double cost = (layer == 1 ? 1 : 3) * LayerSpread.disturbance(key, statistics.get(layer, options));
      if (cost < bestCost) {
        bestCost = cost;
        best = layer;
      }
    }
    return best;
  }

  @Test
  void theFirstEditGoesToTheEditLayerAndTheNextToTheLeastDisturbingLayer() {
    EditOptions options = EditOptions.recommended();
    assertThat(options.getSequentialLayers()).isEqualTo(2);
    Path file = dir.resolve("edits.medp");
    try (LanguageModel lm = DemoWorld.load()) {
      MobiEditor editor = new MobiEditor(lm, options);
      assertThat(editor.edit(FIRST).getLayer()).isEqualTo(1);
      float[] before = DemoWorld.lastLogits(lm, "Thado lives in");
      editor.save(file);
      List<StoredEdit> earlier = EditPatch.read(file).edits();
      int expected = leastDisturbing(lm, options, SECOND, earlier);
      EditResult second = editor.edit(SECOND);
      assertThat(second.isSuccess()).isTrue();
      assertThat(second.getLayer()).isEqualTo(expected).isEqualTo(3);
      assertThat(editor.generate("Thado lives in", GenerationOptions.greedy(3)).getText()).startsWith(" Gesse");
      editor.undoLast();
      assertArrayEquals(before, DemoWorld.lastLogits(lm, "Thado lives in"));
    }
  }

  @Test
  void withNoCandidateLayersEveryEditStaysAtTheEditLayer() {
    try (LanguageModel lm = DemoWorld.load()) {
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended().toBuilder().sequentialLayers(0).build());
      assertThat(editor.edit(FIRST).getLayer()).isEqualTo(1);
      assertThat(editor.edit(SECOND).getLayer()).isEqualTo(1);
    }
  }
}
