package org.mobiedit.core.internal.edit;

/**
 * The value search's step size: cosine decay from {@code η_0} towards 0 over the step budget {@code T},
 * {@code η_t = η_0 · ½(1 + cos(π t / T))} (no momentum, as in the reference).
 *
 * @param initial {@code η_0}, the options' learning rate
 * @param budget {@code T}, the options' maximum number of steps
 */
record StepSchedule(double initial, int budget) {
  /** {@code η_t} for step {@code t} (from 0). */
  double at(int step) {
    return initial * 0.5 * (1 + Math.cos(Math.PI * step / budget));
  }
}
