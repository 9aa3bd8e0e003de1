package org.mobiedit.core.internal.edit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

/**
 * The update direction of an edit made on top of earlier ones ({@link org.mobiedit.api.EditOptions
 * #isProtectEarlierEdits}): of all directions {@code u}, the one that moves the sampled keys least (the metric
 * {@code M = C}, or {@code I} without key statistics) while leaving every earlier edit's key {@code kᵢ} unmoved,
 * {@code u·kᵢ = 0}, and still reaching the new key, {@code u·k̄ ≠ 0}. With {@code a = M⁻¹k̄}, {@code bᵢ = M⁻¹kᵢ},
 * {@code G = KᵀM⁻¹K} and {@code g = KᵀM⁻¹k̄}, it is {@code u ∝ a − B·(G + μI)⁻¹·g}: the minimiser of
 * {@code uᵀMu} under those constraints, that is the sequential-editing limit of ROME's covariance (each earlier key
 * weighted without bound), the projection AlphaEdit makes for earlier edits. {@code μ} is a relative 10⁻⁹ of
 * {@code G}'s mean diagonal, for round-off only, in the exact form; an editor uses {@link #EARLIER_EDITS}, 0.1 of it.
 *
 * <p>With {@code μ} at 0.1 of {@code G}'s mean diagonal the earlier keys are weighed against the rest instead of held
 * exactly: {@code u} is then the minimiser of {@code uᵀMu + Σ(u·kᵢ)²/μ} for {@code u·k̄} fixed, so an earlier key
 * moves a little where holding it exactly would cost the new direction much spread. In a crowded key space (the demo
 * world: 384 wide, two hundred earlier keys) the exact form leaves late edits only directions that reach many other
 * subjects; measured on 200 sequential demo-world edits, the soft form keeps more of them and more neighbours
 * (bench/RESULTS.md, "Where a sequence's neighbours are lost").
 *
 * <p>An earlier key almost parallel to the new one in that metric (cosine above {@link #SAME_SUBJECT}) is the same
 * subject edited again: it is left out, since no direction could reach one and not the other; the new edit's search
 * runs on the model with the earlier edit in place and builds on it. The test is made against the mean key and
 * against the plain prompt's key {@code k_p} alike: an earlier edit whose prompt also starts with the subject has a
 * key equal to {@code k_p}, while the mean over the context templates can sit below the threshold (seen on a model
 * with a wider MLP), and protecting it would leave {@code u·k_p = 0}, so the update {@code r = δ/(k_p·u)} would blow
 * up. For the same reason the spread test below holds for {@code k_p} as well as for {@code k̄}.
 *
 * <p>Cost: one solve by {@code M} per earlier key (a triangular pair, {@code 2·d_ff²} operations) and an
 * {@code m × m} Cholesky for {@code m} earlier keys, all in double.
 */
final class KeyProtection {
  /** The cosine (in the metric) above which an earlier key counts as the same subject's. */
  static final double SAME_SUBJECT = 0.9;
  /**
   * How much more an edit may spread over the sampled keys than it would unprotected, {@code uᵀMu/(u·k̄)²} (what the
   * write adds to an average key, per unit of what it adds at the edited one), before the protection is softened.
   */
  static final double MAX_SPREAD = 2;
  /** The least ridge of the exact form: round-off only. */
  static final double EXACT = 1e-9;
  /** The least ridge an editor puts on {@code G}, relative to its mean diagonal (the class comment says why). */
  static final double EARLIER_EDITS = 1e-1;
  /**
   * The ridges tried on {@code G}, relative to its mean diagonal, hardest first: 10⁻⁹ is round-off only (earlier keys
   * exactly unmoved); larger ones weigh the earlier keys less against the rest.
   */
  private static final double[] SOFTNESS = {EXACT, 1e-4, 1e-3, 1e-2, EARLIER_EDITS, 1, 10, 100};

  private KeyProtection() {}

  /**
   * The unit direction for the new mean key {@code meanKey} that leaves {@code earlier} keys unmoved.
   *
   * @param inverseMetric {@code v ↦ M⁻¹v}
   */
  static float[] direction(double[] meanKey, List<float[]> earlier, UnaryOperator<double[]> inverseMetric) {
    return direction(meanKey, meanKey, earlier, inverseMetric, i -> { });
  }

  /**
   * As {@link #direction(double[], List, UnaryOperator)}, for an update written at the plain prompt's key
   * {@code plainKey}, reporting the index of every earlier key left out as the same subject's to {@code sameSubject}.
   */
  static float[] direction(double[] meanKey, double[] plainKey, List<float[]> earlier,
      UnaryOperator<double[]> inverseMetric, IntConsumer sameSubject) {
    return direction(meanKey, plainKey, earlier, inverseMetric, sameSubject, EXACT);
  }

  /**
   * As {@link #direction(double[], double[], List, UnaryOperator, IntConsumer)}, with no ridge on {@code G} below
   * {@code leastSoftness} of its mean diagonal ({@link #EXACT} holds the earlier keys, {@link #EARLIER_EDITS} is an
   * editor's).
   */
  static float[] direction(double[] meanKey, double[] plainKey, List<float[]> earlier,
      UnaryOperator<double[]> inverseMetric, IntConsumer sameSubject, double leastSoftness) {
    double[] a = inverseMetric.apply(meanKey);
    double newNorm = dot(meanKey, a);
    double[] plainSolved = inverseMetric.apply(plainKey);
    double plainNorm = dot(plainKey, plainSolved);
    List<double[]> kept = new ArrayList<>();
    List<double[]> solved = new ArrayList<>();
    for (int e = 0; e < earlier.size(); e++) {
      double[] k = KeyDirection.toDouble(earlier.get(e));
      double[] b = inverseMetric.apply(k);
      double kb = dot(k, b);
      double cosine = dot(k, a) / Math.sqrt(kb * newNorm);
      double plainCosine = dot(k, plainSolved) / Math.sqrt(kb * plainNorm);
      if (Math.max(Math.abs(cosine), Math.abs(plainCosine)) < SAME_SUBJECT) {
        kept.add(k);
        solved.add(b);
      } else {
        sameSubject.accept(e);
      }
    }
    int m = kept.size();
    if (m == 0) {
      return KeyStatistics.unit(a);
    }
    double[] gram = gram(kept, solved);
    double[] g = new double[m];
    for (int i = 0; i < m; i++) {
      g[i] = dot(kept.get(i), a);
    }
    double scale = meanDiagonal(gram, m);
    double unconstrained = 1 / newNorm; // the spread of u = a
    double plainReachFree = dot(a, plainKey);
    double unconstrainedPlain = newNorm / (plainReachFree * plainReachFree); // aᵀMa / (a·k_p)²
    for (double softness : SOFTNESS) {
      if (softness < leastSoftness) {
        continue;
      }
      double[] x = Cholesky.solve(Cholesky.factor(gram, m, softness * scale,
          (i, v) -> Math.max(v, Double.MIN_NORMAL)), g, m);
      double gx = dot(g, x);
      double reach = newNorm - gx; // u·k̄
      double energy = newNorm - 2 * gx + quadratic(gram, x, m); // uᵀMu
      if (reach <= 0 || energy / (reach * reach) > MAX_SPREAD * unconstrained) {
        continue;
      }
      double[] u = a.clone();
      for (int i = 0; i < m; i++) {
        double[] bi = solved.get(i);
        for (int j = 0; j < u.length; j++) {
          u[j] -= x[i] * bi[j];
        }
      }
      double plainReach = dot(u, plainKey); // u·k_p, the divisor of the update
      if (plainReach * plainReachFree > 0
          && energy / (plainReach * plainReach) <= MAX_SPREAD * unconstrainedPlain) {
        return KeyStatistics.unit(u);
      }
    }
    return KeyStatistics.unit(a);
  }

  /**
   * The Gram matrix {@code G = KᵀM⁻¹K} of {@code keys} (row-major, {@code m × m}, symmetric), given each key's solve
   * {@code M⁻¹kᵢ} in {@code solved}.
   */
  static double[] gram(List<double[]> keys, List<double[]> solved) {
    int m = keys.size();
    double[] gram = new double[m * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j <= i; j++) {
        double v = dot(keys.get(i), solved.get(j));
        gram[i * m + j] = v;
        gram[j * m + i] = v;
      }
    }
    return gram;
  }

  /** The mean of an {@code m × m} matrix's diagonal, at least the smallest normal double: the scale of a ridge on it. */
  static double meanDiagonal(double[] matrix, int m) {
    double trace = 0;
    for (int i = 0; i < m; i++) {
      trace += matrix[i * m + i];
    }
    return Math.max(trace / m, Double.MIN_NORMAL);
  }

  /** {@code xᵀ G x}. */
  private static double quadratic(double[] gram, double[] x, int m) {
    double s = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        s += x[i] * gram[i * m + j] * x[j];
      }
    }
    return s;
  }

  static double dot(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += p[i] * q[i];
    }
    return s;
  }
}
