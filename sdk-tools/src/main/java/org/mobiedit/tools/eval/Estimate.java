package org.mobiedit.tools.eval;

import java.util.List;

/**
 * A mean over cases with its 95% confidence interval: the Wilson interval for a share of yes/no outcomes, the normal
 * approximation (mean ± 1.96 standard errors, clipped to [0, 1]) for averages of rates.
 *
 * @param mean the mean
 * @param low lower end of the 95% interval
 * @param high upper end
 * @param n the number of cases it is over (0: no case had the metric; mean is NaN)
 */
public record Estimate(double mean, double low, double high, int n) {
  private static final double Z = 1.959964;

  /** A share of successes, with Wilson's interval (sound near 0 and 1 and for small n). */
  public static Estimate proportion(int successes, int n) {
    if (n == 0) {
      return new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double p = (double) successes / n;
    double z2 = Z * Z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    return new Estimate(p, Math.max(0, centre - half), Math.min(1, centre + half), n);
  }

  /** The mean of per-case rates in [0, 1], ignoring cases without the metric (null). */
  public static Estimate meanOf(List<Double> values) {
    double sum = 0;
    int n = 0;
    for (Double v : values) {
      if (v != null) {
        sum += v;
        n++;
      }
    }
    if (n == 0) {
      return new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double mean = sum / n;
    double ss = 0;
    for (Double v : values) {
      if (v != null) {
        ss += (v - mean) * (v - mean);
      }
    }
    double se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
    return new Estimate(mean, Math.max(0, mean - Z * se), Math.min(1, mean + Z * se), n);
  }
}
