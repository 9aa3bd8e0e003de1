package org.mobiedit.tools.writer;

/** Supplies a tensor's values in order, in chunks, for the writers (so a tensor never has to fit in memory). */
@FunctionalInterface
public interface TensorValues {
  /** Fills {@code buf[0..count)} with elements {@code start .. start+count}. */
  void fill(long start, float[] buf, int count);

  /** Values taken from an array. */
  static TensorValues of(float[] data) {
    return (start, buf, count) -> System.arraycopy(data, (int) start, buf, 0, count);
  }
}
