package org.mobiedit.core.internal.edit;

/**
 * Cholesky factorization and solve for the symmetric positive definite systems of the update direction: the key
 * statistics' regularised moment ({@link KeyStatistics}, {@code d_ff × d_ff}) and the Gram matrix of earlier edits'
 * keys ({@link KeyProtection}, {@code m × m}). Row-major, in double; only the lower triangle is read.
 */
final class Cholesky {
  /** What a factorization does with a diagonal pivot: returns the value to take the root of, or throws. */
  @FunctionalInterface
  interface PivotRule {
    double pivot(int index, double value);
  }

  private Cholesky() {}

  /**
   * {@code L} (lower triangular, a new array) with {@code L Lᵀ = A + add·I}; each diagonal pivot goes through
   * {@code rule} before its square root is taken.
   */
  static double[] factor(double[] a, int n, double add, PivotRule rule) {
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      int ri = i * n;
      for (int j = 0; j <= i; j++) {
        int rj = j * n;
        double v = a[ri + j] + (i == j ? add : 0);
        for (int k = 0; k < j; k++) {
          v -= l[ri + k] * l[rj + k];
        }
        if (i == j) {
          l[ri + i] = Math.sqrt(rule.pivot(i, v));
        } else {
          l[ri + j] = v / l[rj + j];
        }
      }
    }
    return l;
  }

  /** {@code x} with {@code L Lᵀ x = y}, for {@code L} from {@link #factor}: forward, then back substitution. */
  static double[] solve(double[] l, double[] y, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) { // L z = y
      double v = y[i];
      int row = i * n;
      for (int j = 0; j < i; j++) {
        v -= l[row + j] * x[j];
      }
      x[i] = v / l[row + i];
    }
    for (int i = n - 1; i >= 0; i--) { // Lᵀ x = z
      double v = x[i];
      for (int j = i + 1; j < n; j++) {
        v -= l[j * n + i] * x[j];
      }
      x[i] = v / l[i * n + i];
    }
    return x;
  }
}
