package org.mobiedit.backend.cpu.model;

import java.util.Arrays;

/**
 * Keys and values of every layer for the positions processed so far. Storage grows by doubling up to the
 * capacity, so a long context costs memory only when it is used. Not thread-safe: confined to one pass at a time.
 */
public final class KvCache {
  final int layers;
  final int kvDim;
  final int capacity;
  float[][] keys;
  float[][] values;
  int length;

  /** An empty cache for {@code layers} layers of {@code kvDim} keys and values, up to {@code capacity} positions. */
  public KvCache(int layers, int kvDim, int capacity) {
    this.layers = layers;
    this.kvDim = kvDim;
    this.capacity = capacity;
    int initial = Math.min(capacity, 64);
    keys = new float[layers][initial * kvDim];
    values = new float[layers][initial * kvDim];
  }

  /** Positions held. */
  public int length() {
    return length;
  }

  /** Positions it may hold at most. */
  public int capacity() {
    return capacity;
  }

  /** Forgets the positions from {@code newLength} on; the next pass writes there. */
  public void truncate(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
    }
    length = newLength;
  }

  /**
   * Forgets the positions from {@code newLength} on and gives back the storage beyond them: what a prefix state
   * keeps between resumes, whose batched segments would otherwise leave every row's cache at its largest.
   */
  public void truncateAndTrim(int newLength) {
    truncate(newLength);
    int keep = Math.max(1, newLength) * kvDim;
    if (keys[0].length > keep) {
      for (int l = 0; l < layers; l++) {
        keys[l] = Arrays.copyOf(keys[l], keep);
        values[l] = Arrays.copyOf(values[l], keep);
      }
    }
  }

  /** Makes room for {@code positions} positions in total. */
  void ensure(int positions) {
    int have = keys[0].length / kvDim;
    if (positions <= have) {
      return;
    }
    int grown = Math.min(capacity, Math.max(positions, have * 2));
    for (int l = 0; l < layers; l++) {
      keys[l] = Arrays.copyOf(keys[l], grown * kvDim);
      values[l] = Arrays.copyOf(values[l], grown * kvDim);
    }
  }
}
