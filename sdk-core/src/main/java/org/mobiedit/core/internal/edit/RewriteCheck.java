package org.mobiedit.core.internal.edit;

import java.util.Arrays;
import org.mobiedit.core.internal.generate.Sampler;
import org.mobiedit.spi.BackendModel;

/**
 * Whether the model answers the edit: teacher-forced, is every target token the argmax after the plain prompt
 * (rewrite accuracy 1)? One forward pass. Run on the unedited model (is there anything to do?), at every
 * early-stopping check and on the final update, each candidate applied only around its one forward pass.
 */
final class RewriteCheck {
  private final BackendModel model;
  private final EditBatch batch;

  RewriteCheck(BackendModel model, EditBatch batch) {
    this.model = model;
    this.batch = batch;
  }

  /** The row the check runs: the plain prompt followed by all target tokens but the last. */
  static int[] row(EditBatch batch) {
    return EditBatch.concat(batch.plainContext, Arrays.copyOf(batch.target, batch.target.length - 1));
  }

  /** On the model as it is (and every kept fact still answered, when the batch keeps some). */
  boolean passes() {
    int kept = batch.keptTargets.length;
    int[][] ids = new int[1 + kept][];
    int[][] labels = new int[1 + kept][];
    ids[0] = row(batch);
    labels[0] = new int[batch.target.length];
    for (int j = 0; j < labels[0].length; j++) {
      labels[0][j] = batch.plainContext.length - 1 + j;
    }
    for (int i = 0; i < kept; i++) {
      ids[1 + i] = batch.rows[batch.rewriteRows() + i];
      labels[1 + i] = batch.labelPositions[batch.rewriteRows() + i];
    }
    float[][][] logits = model.forward(ids, labels);
    for (int i = 0; i < logits.length; i++) {
      if (!answers(logits[i], i == 0 ? batch.target : batch.keptTargets[i - 1])) {
        return false;
      }
    }
    return true;
  }

  /**
   * On the model as it is, in every context template: is every target token the argmax after the prompt in each
   * rewrite row (and each kept fact's in its row)? One batched forward pass of those rows.
   */
  boolean passesInEveryContext() {
    int rows = batch.targetRows();
    int[][] ids = Arrays.copyOf(batch.rows, rows);
    int[][] labels = Arrays.copyOf(batch.labelPositions, rows);
    float[][][] logits = model.forward(ids, labels);
    for (int r = 0; r < rows; r++) {
      if (!answers(logits[r], batch.targetOf(r))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the logits at a row's target positions make every token of {@code target} the argmax. */
  private static boolean answers(float[][] logits, int[] target) {
    for (int j = 0; j < target.length; j++) {
      if (Sampler.argmax(logits[j]) != target[j]) {
        return false;
      }
    }
    return true;
  }

  /** With {@code candidate} applied for this one check and reverted before returning or throwing. */
  boolean passesWith(RankOneUpdate candidate) {
    return candidate.whileApplied(model, this::passes);
  }
}
