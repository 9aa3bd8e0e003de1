package com.acme.mobiedit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.world.WorldModel;

/** With the plugin on the class path, apps get it without asking, and edits run through it. */
class AcmeSelectionTest {
  @Test
  void thePluginWinsAutomaticSelectionOverTheCpuBackend() {
    BackendSelector selector = BackendSelector.discover();
    assertThat(selector.select().provider().id()).isEqualTo("acme");
    assertThat(selector.candidates()).extracting(c -> c.id()).contains("acme", "cpu");
  }

  @Test
  void anAppEditsThroughThePlugin() {
    EditOptions options = EditOptions.recommended().toBuilder().layer(WorldModel.EDIT_LAYER).build();
    try (Editor editor = MobiEdit.open(WorldModel.extract(), options)) {
      EditResult r = editor.edit("Zevour", "{} was born in", "Gaizobu");
      assertThat(r.isSuccess()).isTrue();
    }
  }
}
