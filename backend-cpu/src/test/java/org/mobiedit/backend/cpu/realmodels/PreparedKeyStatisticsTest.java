package org.mobiedit.backend.cpu.realmodels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.internal.edit.MobiEditor;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.internal.store.KeyStatisticsFile;

/**
 * Prepared key statistics on the demo world: an editor that uses them writes exactly the edits one sampling the same
 * texts itself writes, and the same edits whether a sequence is made in one session or resumed from a saved patch in
 * another; a damaged file fails the edit by name and leaves nothing applied.
 */
class PreparedKeyStatisticsTest {
  private static final EditRequest FIRST = EditRequest.of("Zevour", "{} was born in", "Gaizobu");
  private static final EditRequest SECOND = EditRequest.of("Melmal", "{} speaks", "Zenemeshese");
  private static final int TEXTS = 12;

  @TempDir Path dir;

  private Path copyOfWorld() throws IOException {
    Path world = Files.createDirectory(dir.resolve("world"));
    for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
      Files.copy(Path.of("../models/mobiedit-world", name), world.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    return world;
  }

  private static LanguageModel load(Path world) {
    return LanguageModel.load(world, new LoadOptions(Precision.FP32, "cpu", 2));
  }

  private static Path prepare(Path world) {
    try (LanguageModel lm = load(world)) {
      Path file = MobiEdit.keyStatisticsLocation(lm);
      List<Integer> layers = MobiEdit.prepareKeyStatistics(lm, EditOptions.recommended(), TEXTS, file, n -> { });
      assertThat(layers).containsExactly(1, 2, 3, 4, 5);
      assertThat(file).isEqualTo(world.resolve("key-statistics.bin"));
      return file;
    }
  }

  private static void assertSameUpdate(EditResult a, EditResult b) {
    assertThat(b.getLayer()).isEqualTo(a.getLayer());
    assertArrayEquals(a.getLeftVector(), b.getLeftVector());
    assertArrayEquals(a.getRightVector(), b.getRightVector());
  }

  @Test
  void preparedStatisticsGiveTheEditsOfTheSameTextsSampledOnTheDevice() throws IOException {
    Path world = copyOfWorld();
    EditOptions sampling = EditOptions.recommended().toBuilder().keySampleTexts(TEXTS).build();
    EditResult[] sampled = new EditResult[2];
    try (LanguageModel lm = load(world)) {
      MobiEditor editor = new MobiEditor(lm, sampling);
      sampled[0] = editor.edit(FIRST);
      sampled[1] = editor.edit(SECOND);
    }
    prepare(world);
    try (LanguageModel lm = load(world)) {
      // the options ask for 32 texts; the prepared file's 12 are used instead
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended());
      assertSameUpdate(sampled[0], editor.edit(FIRST));
      // the second edit is in a sequence: its statistics at layers 2 and 3 come from the file (unedited model),
      // while the editor that sampled collected them after the first edit; so compare only that it succeeds
      assertThat(editor.edit(SECOND).isSuccess()).isTrue();
    }
    try (LanguageModel lm = load(world)) {
      MobiEditor editor = new MobiEditor(lm, sampling.toBuilder().preparedKeyStatistics(false).build());
      assertSameUpdate(sampled[0], editor.edit(FIRST));
      assertSameUpdate(sampled[1], editor.edit(SECOND));
    }
  }

  @Test
  void aSequenceResumedFromItsPatchInAnotherSessionWritesTheSameNextEdit() throws IOException {
    Path world = copyOfWorld();
    prepare(world);
    EditOptions options = EditOptions.recommended();
    EditResult oneSession;
    Path patch = dir.resolve("first.medp");
    try (LanguageModel lm = load(world)) {
      MobiEditor editor = new MobiEditor(lm, options);
      editor.edit(FIRST);
      editor.save(patch);
      oneSession = editor.edit(SECOND);
    }
    try (LanguageModel lm = load(world)) {
      MobiEditor editor = new MobiEditor(lm, options);
      editor.load(patch);
      assertSameUpdate(oneSession, editor.edit(SECOND));
    }
    // without prepared statistics the resumed session samples them from the model with the first edit applied
    EditOptions sampling = options.toBuilder().preparedKeyStatistics(false).build();
    EditResult sampledOneSession;
    try (LanguageModel lm = load(world)) {
      MobiEditor editor = new MobiEditor(lm, sampling);
      editor.edit(FIRST);
      sampledOneSession = editor.edit(SECOND);
    }
    try (LanguageModel lm = load(world)) {
      MobiEditor editor = new MobiEditor(lm, sampling);
      editor.load(patch);
      assertThat(editor.edit(SECOND).getRightVector()).isNotEqualTo(sampledOneSession.getRightVector());
    }
  }

  @Test
  void aDamagedFileFailsTheEditByNameAndLeavesTheModelAsItWas() throws IOException {
    Path world = copyOfWorld();
    Path file = prepare(world);
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x01;
    Files.write(file, b);
    try (LanguageModel lm = load(world)) {
      float[] before = DemoWorld.lastLogits(lm, "Zevour was born in");
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended());
      assertThatThrownBy(() -> editor.edit(FIRST)).isInstanceOf(MobiEditException.class)
          .satisfies(e -> assertThat(((MobiEditException) e).getReason())
              .isEqualTo(MobiEditException.Reason.MODEL_CORRUPT))
          .hasMessageContaining(file.toString()).hasMessageContaining("mobiedit prepare");
      assertThat(editor.getAppliedEdits()).isEmpty();
      assertArrayEquals(before, DemoWorld.lastLogits(lm, "Zevour was born in"));
      // the file can be ignored instead
      MobiEditor ignoring = new MobiEditor(lm, EditOptions.recommended().toBuilder().preparedKeyStatistics(false)
          .build());
      assertThat(ignoring.edit(FIRST).isSuccess()).isTrue();
    }
    Files.write(file, KeyStatisticsFile.class.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (LanguageModel lm = load(world)) {
      assertThatThrownBy(() -> new MobiEditor(lm, EditOptions.recommended()).edit(FIRST))
          .hasMessageContaining("wrong magic");
    }
  }

  @Test
  void theBundledWorldsStatisticsAreThoseOfItsTextsOnTheModelAsItIs() {
    try (LanguageModel lm = DemoWorld.load()) {
      Path file = MobiEdit.keyStatisticsLocation(lm);
      assertThat(file).as("run 'mobiedit prepare --model models/mobiedit-world' after rebuilding the world")
          .exists();
      org.mobiedit.spi.ModelSpec spec = lm.spec();
      KeyStatisticsFile prepared = KeyStatisticsFile.read(file, new KeyStatisticsFile.Expected(lm.fingerprint(),
          spec.intermediateSize(), spec.layers(), spec.vocabSize(), spec.contextLength()));
      assertThat(prepared.texts()).hasSize(1024);
      // the edit layer, the two after it a sequence's edit may move to, and two more its spread reaches from there
      assertThat(prepared.layers()).extracting(KeyStatisticsFile.Layer::layer).containsExactly(1, 2, 3, 4, 5);
      // the first and the last stored layer are the moments of the keys of its texts on the model as it is (a rebuilt
      // model, or a change to how keys are captured, shows here; the layers between take a minute more to check)
      List<KeyStatisticsFile.Layer> layers = prepared.layers();
      for (KeyStatisticsFile.Layer stored : List.of(layers.get(0), layers.get(layers.size() - 1))) {
        double[] again = org.mobiedit.core.internal.edit.KeyStatistics.over(lm.backendModel(), stored.layer(),
            prepared.texts()).lowerTriangle();
        assertClose(stored.lowerTriangle(), again, "layer " + stored.layer());
        assertClose(stored.vocabularyTriangle(), org.mobiedit.core.internal.edit.KeyStatistics.overVocabulary(
            lm.backendModel(), lm.tokenizer().bosId(), stored.layer(), prepared.vocabularyTokens()).lowerTriangle(),
            "layer " + stored.layer() + "'s vocabulary");
      }
      // every token of the world's small vocabulary but the start of text
      assertThat(prepared.vocabularyTokens()).hasSize(spec.vocabSize() - 1);
    }
  }

  private static void assertClose(double[] stored, double[] again, String what) {
    double largest = 0;
    double worst = 0;
    for (int i = 0; i < again.length; i++) {
      largest = Math.max(largest, Math.abs(stored[i]));
      worst = Math.max(worst, Math.abs(stored[i] - again[i]));
    }
    assertThat(worst).as(what).isLessThan(1e-5 * largest);
  }
}
