package org.mobiedit.core.internal.edit;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditRequest;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.numerics.ActivationScales;
import org.mobiedit.spi.numerics.SymmetricGrid;

/**
 * The static activation scales of an edit on a model that quantizes its activations (int8-a8, int8-a16): set from the
 * edit's own tokens, never from padding or earlier work. Nothing happens at other precisions.
 */
final class EditCalibration {
  private EditCalibration() {}

  /**
   * The scales in force before an edit calibrates, to put back with {@link #restore} when the edit writes nothing or
   * is undone (null: not calibrated, or activations not quantized).
   */
  static @Nullable ActivationScales saved(BackendModel model) {
    return model.precision().quantizesActivations() ? model.activationScales() : null;
  }

  /** Puts back what {@link #saved} returned; nothing happens at other precisions. */
  static void restore(BackendModel model, @Nullable ActivationScales saved) {
    if (model.precision().quantizesActivations()) {
      model.restoreActivationScales(saved);
    }
  }

  /**
   * Puts saved scales in force when the model quantizes its activations on their grid (a patch made at int8-a8 loaded
   * at int8-a16 or fp32 leaves them aside); nothing happens for null.
   */
  static void restoreSaved(BackendModel model, @Nullable ActivationScales saved) {
    if (saved != null && model.precision().quantizesActivations()
        && saved.fits(SymmetricGrid.forActivationsOf(model.precision()), model.spec().layers())) {
      model.restoreActivationScales(saved);
    }
  }

  /**
   * Before the context templates exist: they are sampled from the model, so they must not depend on scales left by
   * earlier work. Calibrates on the plain prompt followed by the target.
   */
  static void calibrateOnPrompt(BackendModel model, Tokenizer tokenizer, EditRequest request) {
    if (model.precision().quantizesActivations()) {
      EditBatch plain = EditBatch.build(tokenizer, request, List.of("{}"), model.spec().contextLength());
      model.calibrateActivations(new int[][] {RewriteCheck.row(plain)});
    }
  }

  /** Once the edit's rows exist: calibrates on every row of the value search and on the success check's row. */
  static void calibrateOnEdit(BackendModel model, EditBatch batch) {
    if (model.precision().quantizesActivations()) {
      int[][] calibration = Arrays.copyOf(batch.rows, batch.rows.length + 1);
      calibration[batch.rows.length] = RewriteCheck.row(batch);
      model.calibrateActivations(calibration);
    }
  }
}
