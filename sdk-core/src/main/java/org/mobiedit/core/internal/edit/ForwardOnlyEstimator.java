package org.mobiedit.core.internal.edit;

import java.util.SplittableRandom;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Precision;

/**
 * The forward-only gradient estimate of MobiEdit: {@code q} random Gaussian directions per step from a per-edit,
 * per-step seeded generator (so a direction can be regenerated instead of stored), central differences
 * {@code g_i = (L(δ + ε z_i) − L(δ − ε z_i)) / 2ε}, and the estimate {@code ĝ = Σ g_i z_i} (a sum, as in the paper).
 */
final class ForwardOnlyEstimator {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ForwardOnlyEstimator.class);
  private final int directions;
  private final double epsilon;
  private final long seed;

  /**
   * The estimator of an edit: the options' directions and seed, and their epsilon, absolute or (with
   * {@link EditOptions#isRelativeEpsilon()}) scaled by {@code |t0|/√d}, the size of the edited value's coordinates.
   */
  static ForwardOnlyEstimator forEdit(EditOptions options, double t0NormSquared, int hiddenSize, Precision precision) {
    double epsilon = options.isRelativeEpsilon()
        ? options.getEpsilon() * Math.sqrt(t0NormSquared / hiddenSize)
        : options.getEpsilon();
    if (precision == Precision.INT8_A8 && !options.isRelativeEpsilon()) {
      LOG.warn("int8-a8 with an absolute epsilon of {}: the perturbations are smaller than one rounding step of the"
          + " int8 activations and the gradient estimate is mostly noise; use relativeEpsilon(true) with epsilon 1"
          + " (--relative-epsilon --epsilon 1).", epsilon);
    }
    return new ForwardOnlyEstimator(options.getDirections(), epsilon, options.getSeed());
  }

  ForwardOnlyEstimator(int directions, double epsilon, long seed) {
    this.directions = directions;
    this.epsilon = epsilon;
    this.seed = seed;
  }

  /** The directions of a step, {@code q × d}. */
  float[][] directions(int step, int d) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
    float[][] z = new float[directions][d];
    for (int i = 0; i < directions; i++) {
      for (int j = 0; j < d; j++) {
        z[i][j] = (float) gaussian(r);
      }
    }
    return z;
  }

  /**
   * The evaluation points of a step: {@code δ + εz_i, δ − εz_i} for each direction. {@code δ} itself is not among
   * them: the estimate does not need its loss, and the loss curve takes the mean of the pairs instead
   * ({@link #curveLoss}), which saves one of the {@code 2q + 1} forward evaluations a step used to make.
   */
  float[][] points(float[] delta, float[][] z) {
    float[][] p = new float[2 * z.length][];
    for (int i = 0; i < z.length; i++) {
      float[] plus = new float[delta.length];
      float[] minus = new float[delta.length];
      for (int j = 0; j < delta.length; j++) {
        plus[j] = (float) (delta[j] + epsilon * z[i][j]);
        minus[j] = (float) (delta[j] - epsilon * z[i][j]);
      }
      p[2 * i] = plus;
      p[2 * i + 1] = minus;
    }
    return p;
  }

  /** {@code ĝ} from the losses at {@link #points}. */
  double[] estimate(double[] losses, float[][] z) {
    double[] g = new double[z[0].length];
    for (int i = 0; i < z.length; i++) {
      double gi = (losses[2 * i] - losses[2 * i + 1]) / (2 * epsilon);
      for (int j = 0; j < g.length; j++) {
        g[j] += gi * z[i][j];
      }
    }
    return g;
  }

  /**
   * The loss at {@code δ} as the loss curve reports it: the mean over the step's points. Each pair averages to
   * {@code L(δ) + (ε²/2)·zᵀHz + O(ε⁴)}, so the curve sits above the unperturbed loss by a second-order term in ε
   * (negligible at the step sizes used; measured in {@code ForwardOnlyEstimatorTest}).
   */
  static double curveLoss(double[] losses) {
    double sum = 0;
    for (double l : losses) {
      sum += l;
    }
    return sum / losses.length;
  }

  /** Box-Muller from two uniform draws (java.util.random's nextGaussian is not on every Android version). */
  static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
