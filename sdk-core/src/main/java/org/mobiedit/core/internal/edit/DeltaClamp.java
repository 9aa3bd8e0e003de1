package org.mobiedit.core.internal.edit;

/**
 * The bound on the correction after every step, {@code |δ| ≤ factor · |t0|}: a longer {@code δ} is scaled back onto
 * the bound (by a float factor), so the value {@code t0 + δ} stays of the size of the model's own hidden states.
 *
 * @param limit {@code factor · |t0|}
 */
record DeltaClamp(double limit) {
  static DeltaClamp of(double factor, double t0NormSquared) {
    return new DeltaClamp(factor * Math.sqrt(t0NormSquared));
  }

  /** Scales {@code delta}, whose norm is {@code norm}, in place onto the bound when it is longer. */
  void apply(float[] delta, double norm) {
    if (norm > limit) {
      float s = (float) (limit / norm);
      for (int j = 0; j < delta.length; j++) {
        delta[j] *= s;
      }
    }
  }
}
