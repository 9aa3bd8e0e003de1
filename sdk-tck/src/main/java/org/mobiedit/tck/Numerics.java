package org.mobiedit.tck;

import java.util.Arrays;

/** How the kit compares a backend's numbers with backend-cpu's. */
final class Numerics {
  private Numerics() {}

  /** max|a - ref| / max|ref| (0 when both are all zeros). */
  static double relativeDifference(float[] a, float[] ref) {
    if (a.length != ref.length) {
      return Double.POSITIVE_INFINITY;
    }
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs((double) a[i] - ref[i]));
      scale = Math.max(scale, Math.abs(ref[i]));
    }
    if (Double.isNaN(diff)) {
      return Double.POSITIVE_INFINITY;
    }
    return scale == 0 ? diff : diff / scale;
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Compares {@code [row][k][vocab]} results; returns the largest relative difference and the top-1 agreement. */
  static Comparison compare(float[][][] actual, float[][][] reference) {
    double worst = 0;
    String where = "";
    int agree = 0;
    int total = 0;
    for (int r = 0; r < reference.length; r++) {
      for (int k = 0; k < reference[r].length; k++) {
        double d = r < actual.length && k < actual[r].length
            ? relativeDifference(actual[r][k], reference[r][k]) : Double.POSITIVE_INFINITY;
        if (d > worst || where.isEmpty()) {
          worst = Math.max(worst, d);
          where = "row " + r + ", position index " + k;
        }
        if (d != Double.POSITIVE_INFINITY && argmax(actual[r][k]) == argmax(reference[r][k])) {
          agree++;
        }
        total++;
      }
    }
    return new Comparison(worst, where, total == 0 ? 1 : (double) agree / total, total);
  }

  /** Whether two results are identical bit for bit. */
  static boolean identical(float[][][] a, float[][][] b) {
    return Arrays.deepEquals(a, b);
  }

  /** The outcome of comparing a backend's results with the reference. */
  record Comparison(double worstRelative, String worstAt, double top1, int positions) {
    String describe() {
      return String.format(java.util.Locale.ROOT, "largest relative difference %.3g at %s; top-1 agreement %.1f%% of %d",
          worstRelative, worstAt, 100 * top1, positions);
    }
  }
}
