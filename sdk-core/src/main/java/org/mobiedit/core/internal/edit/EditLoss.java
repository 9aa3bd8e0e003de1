package org.mobiedit.core.internal.edit;

import org.mobiedit.api.EditOptions;
import org.mobiedit.spi.BackendModel;

/**
 * ROME's loss, evaluated from logits: the mean over rewrite rows of the mean negative log-likelihood of the target
 * tokens, plus {@code klWeight · KL(p_δ ‖ p_0)} on the essence row, plus {@code weightDecay · |δ| / |t₀|²}.
 * Computed in double from float logits.
 */
public final class EditLoss {
  private final EditBatch batch;
  private final double[] essenceLogP0;
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
    this.essenceLogP0 = logSoftmax(essenceLogits0);
    this.klWeight = klWeight;
    this.weightDecay = weightDecay;
    this.t0NormSquared = t0NormSquared;
  }

  /** @param logits {@code logits[row][k]} at the batch's label positions, for one delta */
  double value(float[][][] logits, float[] delta) {
    double nll = 0;
    int rewrite = batch.rewriteRows();
    for (int r = 0; r < rewrite; r++) {
      double rowNll = 0;
      for (int j = 0; j < batch.target.length; j++) {
        rowNll -= logSoftmaxAt(logits[r][j], batch.target[j]);
      }
      nll += rowNll / batch.target.length;
    }
    nll /= rewrite;
    double[] logP = logSoftmax(logits[batch.essenceRow()][0]);
    double kl = 0;
    for (int i = 0; i < logP.length; i++) {
      kl += Math.exp(logP[i]) * (logP[i] - essenceLogP0[i]);
    }
    double norm = 0;
    for (float v : delta) {
      norm += (double) v * v;
    }
    return nll + klWeight * kl + weightDecay * Math.sqrt(norm) / t0NormSquared;
  }

  /** {@code log softmax(logits)[id]}, computed stably in double (also used by the evaluation's scoring). */
  public static double logSoftmaxAt(float[] logits, int id) {
    return logits[id] - logSumExp(logits);
  }

  static double[] logSoftmax(float[] logits) {
    double lse = logSumExp(logits);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = logits[i] - lse;
    }
    return out;
  }

  /** {@code log Σ exp(x)}, shifted by the maximum so nothing overflows. */
  static double logSumExp(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }
}
