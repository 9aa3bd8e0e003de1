package org.mobiedit.core.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.internal.edit.MobiEditor;
import org.mobiedit.core.internal.model.LanguageModel;

/**
 * The loaded model that patch inputs are applied to: the demo model on the CPU backend (one thread, so its logits
 * are reproducible), an editor on it, and the logits of a fixed prompt before any edit. At start it makes the seed
 * patches with two real edits ({@code one-edit.medp}, {@code two-edits.medp}) and undoes them, unless an earlier
 * campaign JVM of the same run made them.
 */
final class PatchBench implements AutoCloseable {
  static final String PROBE = "Zevour was born in";

  private final Path model;
  private LanguageModel lm;
  private MobiEditor editor;
  private final float[] baseline;

  PatchBench(Path model, Path seedDir) throws IOException {
    this.model = model;
    open();
    baseline = probe();
    if (Files.isRegularFile(seedDir.resolve("two-edits.medp"))) {
      return; // made by an earlier campaign JVM of this run (written last, so both are there)
    }
    Files.createDirectories(seedDir);
    editor.edit(EditRequest.of("Zevour", "{} was born in", "Gaizobu"));
    editor.save(seedDir.resolve("one-edit.medp"));
    editor.edit(EditRequest.of("Suzol", "{} was born in", "Kolvo"));
    editor.save(seedDir.resolve("two-edits.medp"));
    editor.undoLast();
    editor.undoLast();
    if (!Bits.same(baseline, probe())) {
      throw new IllegalStateException("undoing the seed edits did not restore the demo model's logits");
    }
  }

  private void open() {
    lm = LanguageModel.load(model, new LoadOptions(Precision.FP32, "cpu", 1),
        BackendSelector.of(List.of(new CpuBackendProvider())));
    // a short edit budget: the seed patches need real edits, not good ones; kept even if unsuccessful
    editor = new MobiEditor(lm, EditOptions.builder().maxSteps(8).keepUnsuccessful(true).seed(1).build());
  }

  MobiEditor editor() {
    return editor;
  }

  LanguageModel model() {
    return lm;
  }

  float[] baseline() {
    return baseline.clone();
  }

  /** The logits at the last position of the fixed prompt. */
  float[] probe() {
    int[] ids = lm.tokenizer().encodeForModel(PROBE);
    return lm.backendModel().forward(new int[][] {ids}, new int[][] {{ids.length - 1}})[0][0];
  }

  /** Loads the model afresh (after a hang or an error left the editor in an unknown state). */
  void reload() {
    try {
      lm.close();
    } catch (RuntimeException e) {
      // the old model may be broken; it is dropped either way
    }
    open();
    if (!Bits.same(baseline, probe())) {
      throw new IllegalStateException("the reloaded demo model computes other logits than at start");
    }
  }

  @Override
  public void close() {
    lm.close();
  }
}
