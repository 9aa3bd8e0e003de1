package org.mobiedit.backend.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.api.MobiEditException;

/**
 * The rank-one updates applied to a model, per layer, in the order they were applied. A graph receives a layer's
 * terms as two inputs ({@code right [R, intermediate]} and {@code left_t [hidden, R]}), with {@code R} rounded up to a
 * power of two and the extra slots zero: a zero term adds exactly nothing, so padding never changes a result, and a
 * layer without terms uses the graph without inputs, which is the unedited model bit for bit.
 */
final class RankOneTerms {
  private record Term(long handle, int layer, float[] left, float[] right) {}

  private final int layers;
  private final int hidden;
  private final int intermediate;
  private final Map<Long, Term> terms = new LinkedHashMap<>();
  private long next = 1;

  RankOneTerms(int layers, int hidden, int intermediate) {
    this.layers = layers;
    this.hidden = hidden;
    this.intermediate = intermediate;
  }

  synchronized long add(int layer, float[] left, float[] right) {
    long h = next++;
    terms.put(h, new Term(h, layer, left.clone(), right.clone()));
    return h;
  }

  synchronized void remove(long handle) {
    if (terms.remove(handle) == null) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "No rank-one update has handle " + handle + " (already reverted, or from another model).");
    }
  }

  /** The graph shape: per layer, the term slots (0 when the layer has none). */
  synchronized int[] slots() {
    int[] count = new int[layers];
    for (Term t : terms.values()) {
      count[t.layer()]++;
    }
    for (int l = 0; l < layers; l++) {
      if (count[l] > 0) {
        int r = 1;
        while (r < count[l]) {
          r <<= 1;
        }
        count[l] = r;
      }
    }
    return count;
  }

  /** The graph inputs for {@code slots}: per layer with slots, {right [R·intermediate], left_t [hidden·R]}. */
  synchronized List<float[]> inputs(int[] slots) {
    List<float[]> out = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      if (slots[l] == 0) {
        continue;
      }
      int r = slots[l];
      float[] right = new float[r * intermediate];
      float[] leftT = new float[hidden * r];
      int k = 0;
      for (Term t : terms.values()) {
        if (t.layer() == l) {
          System.arraycopy(t.right(), 0, right, k * intermediate, intermediate);
          for (int i = 0; i < hidden; i++) {
            leftT[i * r + k] = t.left()[i];
          }
          k++;
        }
      }
      out.add(right);
      out.add(leftT);
    }
    return out;
  }
}
