package org.mobiedit.backend.cpu.model;

import org.mobiedit.backend.cpu.kernel.DotProduct;

/**
 * A rank-one side term of {@code W_down}: the layer computes {@code W_down·g + left·(right·g)}. Kept in float
 * whatever the weights' precision, and removable exactly.
 */
final class RankOneTerm {
  final long handle;
  final float[] left;
  final float[] right;

  RankOneTerm(long handle, float[] left, float[] right) {
    this.handle = handle;
    this.left = left.clone();
    this.right = right.clone();
  }

  void addTo(float[] o, float[] g, int n, int d, int ff, DotProduct kernel) {
    for (int t = 0; t < n; t++) {
      float c = kernel.dot(right, 0, g, t * ff, ff);
      for (int i = 0; i < d; i++) {
        o[t * d + i] += left[i] * c;
      }
    }
  }
}
