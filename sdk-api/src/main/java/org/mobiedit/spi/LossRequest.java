package org.mobiedit.spi;

import org.jspecify.annotations.Nullable;
import org.mobiedit.spi.numerics.LogProbabilities;

/**
 * What the edit loss needs from the logits of a {@link BackendModel#resumeLoss} or
 * {@link BackendModel#injectForwardLoss} call, so that a backend returns a few numbers per point instead of a
 * full-vocabulary row per logit position (on an accelerator, moving those rows dominates): the log-probability of
 * a label at each logit position, and, at one position, the KL divergence of the next-token distribution from a
 * reference distribution (ROME's essence term).
 *
 * <p>{@link #evaluate(float[][][][])} is the reference every backend must reproduce: a backend may compute the
 * terms where the logits are, with the functions of {@link LogProbabilities}, and then matches it bit for bit.
 */
public final class LossRequest {
  /** A label that asks for no log-probability (the position only feeds the KL term). */
  public static final int NO_LABEL = -1;

  private final int[][] labels;
  private final int klRow;
  private final int klSlot;
  private final double @Nullable [] referenceLogProbs;

  private LossRequest(int[][] labels, int klRow, int klSlot, double @Nullable [] referenceLogProbs) {
    this.labels = new int[labels.length][];
    for (int r = 0; r < labels.length; r++) {
      this.labels[r] = labels[r].clone();
    }
    this.klRow = klRow;
    this.klSlot = klSlot;
    this.referenceLogProbs = referenceLogProbs == null ? null : referenceLogProbs.clone();
  }

  /**
   * Log-probabilities only.
   *
   * @param labels {@code labels[row][k]}: the token whose log-probability is wanted at the call's
   *     {@code logitPositions[row][k]}, or {@link #NO_LABEL}
   */
  public static LossRequest labels(int[][] labels) {
    return new LossRequest(labels, -1, -1, null);
  }

  /**
   * Log-probabilities and the KL term at {@code logitPositions[klRow][klSlot]} against {@code referenceLogProbs}
   * (a log-softmax over the vocabulary).
   */
  public static LossRequest labelsAndKl(int[][] labels, int klRow, int klSlot, double[] referenceLogProbs) {
    if (klRow < 0 || klRow >= labels.length || klSlot < 0 || klSlot >= labels[klRow].length) {
      throw new IllegalArgumentException("the KL position " + klRow + "/" + klSlot + " is not one of the labels'");
    }
    return new LossRequest(labels, klRow, klSlot, referenceLogProbs);
  }

  /** Rows of the request. */
  public int rows() {
    return labels.length;
  }

  /** The label at {@code [row][k]}, or {@link #NO_LABEL}. */
  public int label(int row, int k) {
    return labels[row][k];
  }

  /** Labels of {@code row} (a copy). */
  public int[] labels(int row) {
    return labels[row].clone();
  }

  /** Whether the KL term is wanted at {@code [row][k]}. */
  public boolean klAt(int row, int k) {
    return row == klRow && k == klSlot;
  }

  /**
   * The terms of one logit row {@code logits[from .. from+vocab)} at {@code [row][k]} into {@code point}: the
   * label's log-probability (0 for {@link #NO_LABEL}) and, where asked, the KL term.
   */
  public void evaluateAt(int row, int k, float[] logits, int from, int vocab, LossTerms.Point point) {
    int label = labels[row][k];
    if (label != NO_LABEL) {
      if (label < 0 || label >= vocab) {
        throw new IllegalArgumentException("label " + label + " at " + row + "/" + k + " is outside the vocabulary");
      }
      point.labelLogProbs[row][k] = LogProbabilities.logSoftmaxAt(logits, from, vocab, label);
    }
    if (klAt(row, k) && referenceLogProbs != null) {
      if (referenceLogProbs.length != vocab) {
        throw new IllegalArgumentException("the KL reference has " + referenceLogProbs.length + " entries, the"
            + " vocabulary " + vocab);
      }
      point.kl = LogProbabilities.kl(logits, from, vocab, referenceLogProbs);
    }
  }

  /** An empty point shaped like this request. */
  public LossTerms.Point newPoint() {
    double[][] lp = new double[labels.length][];
    for (int r = 0; r < labels.length; r++) {
      lp[r] = new double[labels[r].length];
    }
    return new LossTerms.Point(lp);
  }

  /** The reference: the terms of every point from full logits {@code [point][row][k][vocab]}. */
  public LossTerms evaluate(float[][][][] logits) {
    LossTerms.Point[] points = new LossTerms.Point[logits.length];
    for (int p = 0; p < logits.length; p++) {
      if (logits[p].length != labels.length) {
        throw new IllegalArgumentException("logits of " + logits[p].length + " rows for " + labels.length
            + " rows of labels");
      }
      points[p] = newPoint();
      for (int r = 0; r < labels.length; r++) {
        for (int k = 0; k < labels[r].length; k++) {
          float[] row = logits[p][r][k];
          evaluateAt(r, k, row, 0, row.length, points[p]);
        }
      }
    }
    return new LossTerms(points);
  }
}
