package org.mobiedit.spi;

/**
 * The loss terms of a batch of points, as a {@link LossRequest} asked for them: per point, the label
 * log-probabilities {@code [row][k]} and the KL term (0 where none was asked).
 */
public final class LossTerms {
  /** The terms of one point. Filled by the backend that evaluates it, then only read. */
  public static final class Point {
    final double[][] labelLogProbs;
    double kl;

    Point(double[][] labelLogProbs) {
      this.labelLogProbs = labelLogProbs;
    }

    /** {@code log p(label[row][k])} at the row's {@code k}-th logit position (0 for {@link LossRequest#NO_LABEL}). */
    public double labelLogProb(int row, int k) {
      return labelLogProbs[row][k];
    }

    /** The KL term, or 0 if the request asked for none. */
    public double kl() {
      return kl;
    }
  }

  private final Point[] points;

  public LossTerms(Point[] points) {
    this.points = points.clone();
  }

  /** Points, in the order of the call's deltas. */
  public int size() {
    return points.length;
  }

  public Point point(int p) {
    return points[p];
  }
}
