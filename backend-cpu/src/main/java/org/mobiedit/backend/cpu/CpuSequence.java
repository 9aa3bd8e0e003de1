package org.mobiedit.backend.cpu;

import org.mobiedit.backend.cpu.model.KvCache;
import org.mobiedit.spi.InferenceSequence;

/** Incremental decoding with a key/value cache. Not thread-safe. */
final class CpuSequence implements InferenceSequence {
  private final CpuModel model;
  private KvCache cache;

  CpuSequence(CpuModel model, KvCache cache) {
    this.model = model;
    this.cache = cache;
  }

  @Override
  public int length() {
    return live().length();
  }

  @Override
  public int capacity() {
    return live().capacity();
  }

  @Override
  public float[] append(int[] tokens) {
    return model.append(live(), tokens);
  }

  @Override
  public void truncate(int newLength) {
    KvCache c = live();
    if (newLength < 0 || newLength > c.length()) {
      throw new IllegalArgumentException("cannot truncate a sequence of " + c.length() + " to " + newLength);
    }
    c.truncate(newLength);
  }

  private KvCache live() {
    if (cache == null) {
      throw new IllegalStateException("this sequence was closed");
    }
    return cache;
  }

  @Override
  public void close() {
    cache = null;
  }
}
