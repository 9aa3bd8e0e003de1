package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mobiedit.api.EditCall;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.realmodels.DemoWorld;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.spi.numerics.ActivationScales;

/**
 * With static activation quantization every edit calibrates on its own rows; undoing edits, in any order, and a
 * cancelled edit must still leave the model bit for bit as it was, scales included, and saved edits loaded into
 * another session must compute as they did when saved (demo world model).
 */
class QuantizedUndoTest {
  @TempDir Path dir;
  private static final EditRequest FIRST = EditRequest.of("Zevour", "{} was born in", "Gaizobu");
  private static final EditRequest SECOND = EditRequest.of("Suzol", "{} was born in", "Kolvo");
  private static final List<String> PROBES = List.of("Suzol was born in", "Zevour was born in", "The capital of");

  private static float[][] probe(LanguageModel lm) {
    float[][] out = new float[PROBES.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = DemoWorld.lastLogits(lm, PROBES.get(i));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"INT8_A8", "INT8_A16"})
  void undoingEditsInAnyOrderRestoresTheModelScalesIncluded(Precision precision) {
    try (LanguageModel lm = DemoWorld.load(precision)) {
      float[][] before = probe(lm); // the first pass calibrates the model on its own input
      var scales = lm.backendModel().activationScales();
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended());
      assertThat(editor.edit(FIRST).isSuccess()).isTrue();
      assertThat(lm.backendModel().activationScales()).isNotEqualTo(scales); // the edit's own calibration
      assertThat(editor.edit(SECOND).isSuccess()).isTrue();
      String first = editor.getAppliedEdits().get(0);
      editor.undo(first); // the older edit first: its scales go to the newer one
      editor.undoLast();
      assertThat(lm.backendModel().activationScales()).isEqualTo(scales);
      float[][] after = probe(lm);
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], after[i], PROBES.get(i));
      }
      editor.edit(FIRST);
      editor.undoLast();
      float[][] again = probe(lm);
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], again[i], PROBES.get(i));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"INT8_A8", "INT8_A16"})
  void savedEditsLoadedIntoAnotherSessionComputeAsTheyDidScalesIncluded(Precision precision) throws IOException {
    Path patch = dir.resolve("edits.medp");
    float[][] saved;
    ActivationScales scalesSaved;
    try (LanguageModel lm = DemoWorld.load(precision)) {
      probe(lm);
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended());
      assertThat(editor.edit(FIRST).isSuccess()).isTrue();
      assertThat(editor.edit(SECOND).isSuccess()).isTrue();
      editor.save(patch);
      saved = probe(lm);
      scalesSaved = lm.backendModel().activationScales();
    }
    try (LanguageModel lm = DemoWorld.load(precision)) {
      float[][] fresh = probe(lm); // calibrated on its own first input, as a new session is
      var freshScales = lm.backendModel().activationScales();
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended());
      editor.load(patch);
      assertThat(lm.backendModel().activationScales()).isEqualTo(scalesSaved);
      float[][] loaded = probe(lm);
      for (int i = 0; i < saved.length; i++) {
        assertArrayEquals(saved[i], loaded[i], PROBES.get(i));
      }
      // undone, the new session is as it was before the load
      editor.undoLast();
      editor.undoLast();
      assertThat(lm.backendModel().activationScales()).isEqualTo(freshScales);
      float[][] back = probe(lm);
      for (int i = 0; i < fresh.length; i++) {
        assertArrayEquals(fresh[i], back[i], PROBES.get(i));
      }
    }
    // at float activations the scales are left aside and the edits apply as they are
    try (LanguageModel lm = DemoWorld.load(Precision.FP32)) {
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended());
      editor.load(patch);
      assertThat(editor.getAppliedEdits()).hasSize(2);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"INT8_A8"})
  void aCancelledEditLeavesTheScalesAsTheyWere(Precision precision) {
    try (LanguageModel lm = DemoWorld.load(precision)) {
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended());
      assertThat(editor.edit(FIRST).isSuccess()).isTrue();
      float[][] before = probe(lm);
      var scales = lm.backendModel().activationScales();
      EditCall[] call = new EditCall[1];
      call[0] = editor.newCall(SECOND, new EditListener() {
        @Override
        public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
          call[0].cancel();
        }
      });
      assertThatThrownBy(call[0]::execute).isInstanceOf(MobiEditException.class)
          .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(MobiEditException.Reason.CANCELLED);
      assertThat(lm.backendModel().activationScales()).isEqualTo(scales);
      float[][] after = probe(lm);
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], after[i], PROBES.get(i));
      }
    }
  }
}
