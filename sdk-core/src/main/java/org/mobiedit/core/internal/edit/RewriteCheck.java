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

  /** On the model as it is. */
  boolean passes() {
    int[] labels = new int[batch.target.length];
    for (int j = 0; j < labels.length; j++) {
      labels[j] = batch.plainContext.length - 1 + j;
    }
    return answers(model.forward(new int[][] {row(batch)}, new int[][] {labels})[0]);
  }

  /**
   * On the model as it is, in every context template: is every target token the argmax after the prompt in each
   * rewrite row? One batched forward pass of the rewrite rows.
   */
  boolean passesInEveryContext() {
    int rows = batch.rewriteRows();
    int[][] ids = Arrays.copyOf(batch.rows, rows);
    int[][] labels = Arrays.copyOf(batch.labelPositions, rows);
    for (float[][] row : model.forward(ids, labels)) {
      if (!answers(row)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the logits at a row's target positions make every target token the argmax. */
  private boolean answers(float[][] logits) {
    for (int j = 0; j < batch.target.length; j++) {
      if (Sampler.argmax(logits[j]) != batch.target[j]) {
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
