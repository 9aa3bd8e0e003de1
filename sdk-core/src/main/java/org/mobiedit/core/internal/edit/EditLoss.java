package org.mobiedit.core.internal.edit;

import java.util.Arrays;
import org.mobiedit.api.EditOptions;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.LossRequest;
import org.mobiedit.spi.LossTerms;
import org.mobiedit.spi.numerics.LogProbabilities;

/**
 * ROME's loss: the mean over rewrite rows (and kept-fact rows, {@link EditBatch#withKeptFacts}) of the mean negative
 * log-likelihood of each row's target tokens, plus
 * {@code klWeight · KL(p_δ ‖ p_0)} on the essence row, plus {@code weightDecay · |δ| / |t₀|²}. The backend evaluates
 * the first two from its logits as {@link #request()} asks ({@link BackendModel#resumeLoss}), in double from float
 * logits; this class combines them.
 */
public final class EditLoss {
  private final EditBatch batch;
  private final LossRequest request;
  private final double klWeight;
  private final double weightDecay;
  private final double t0NormSquared;

  /**
   * The loss of an edit, with the options' weights: reads the unedited next-token distribution {@code p_0} of the
   * essence row once (one forward pass).
   */
  static EditLoss forEdit(BackendModel model, EditBatch batch, EditOptions options, double t0NormSquared) {
    int essence = batch.essenceRow();
    float[] essence0 = model.forward(new int[][] {batch.rows[essence]},
        new int[][] {batch.labelPositions[essence]})[0][0];
    return new EditLoss(batch, essence0, options.getKlWeight(), options.getWeightDecay(), t0NormSquared);
  }

  EditLoss(EditBatch batch, float[] essenceLogits0, double klWeight, double weightDecay, double t0NormSquared) {
    this.batch = batch;
    int[][] labels = new int[batch.rows.length][];
    for (int r = 0; r < labels.length; r++) {
      labels[r] = r < batch.targetRows() ? batch.targetOf(r).clone() : noLabels(batch.labelPositions[r].length);
    }
    this.request = LossRequest.labelsAndKl(labels, batch.essenceRow(), 0,
        LogProbabilities.logSoftmax(essenceLogits0));
    this.klWeight = klWeight;
    this.weightDecay = weightDecay;
    this.t0NormSquared = t0NormSquared;
  }

  private static int[] noLabels(int n) {
    int[] none = new int[n];
    Arrays.fill(none, LossRequest.NO_LABEL);
    return none;
  }

  /** What the backend evaluates at every point: the targets' log-probabilities and the essence row's KL term. */
  LossRequest request() {
    return request;
  }

  /** The loss at one point from the terms the backend returned for it. */
  double value(LossTerms.Point terms, float[] delta) {
    double nll = 0;
    int rows = batch.targetRows();
    for (int r = 0; r < rows; r++) {
      int[] target = batch.targetOf(r);
      double rowNll = 0;
      for (int j = 0; j < target.length; j++) {
        rowNll -= terms.labelLogProb(r, j);
      }
      nll += rowNll / target.length;
    }
    nll /= rows;
    double norm = 0;
    for (float v : delta) {
      norm += (double) v * v;
    }
    return nll + klWeight * terms.kl() + weightDecay * Math.sqrt(norm) / t0NormSquared;
  }

  /**
   * The least likely target token of the step: over rewrite and kept-fact rows and their target tokens, the smallest
   * mean over the step's points of the token's log-probability. Above log ½, every target token is the argmax in every
   * such row at the points' average, the plain prompt's row included.
   */
  double worstTargetLogProb(LossTerms terms) {
    double worst = Double.POSITIVE_INFINITY;
    int points = terms.size();
    for (int r = 0; r < batch.targetRows(); r++) {
      for (int j = 0; j < batch.targetOf(r).length; j++) {
        double sum = 0;
        for (int p = 0; p < points; p++) {
          sum += terms.point(p).labelLogProb(r, j);
        }
        worst = Math.min(worst, sum / points);
      }
    }
    return worst;
  }

  /** The loss at one point from its full logits {@code [row][k][vocab]} (the reference evaluation). */
  double value(float[][][] logits, float[] delta) {
    return value(request.evaluate(new float[][][][] {logits}).point(0), delta);
  }
}
