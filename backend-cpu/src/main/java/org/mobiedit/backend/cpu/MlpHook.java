package org.mobiedit.backend.cpu;

import org.jspecify.annotations.Nullable;

/**
 * Observes and modifies one layer's MLP during a forward pass, at one chunk index: reads the key (input of
 * {@code W_down}) and the MLP output, remembers the residual stream, and adds a delta to the MLP output. The
 * injected position is computed as {@code residual + (mlpOutput + delta)} — the same expression the prefix-cache
 * resume uses, so both give bit-identical results.
 */
final class MlpHook {
  final int layer;
  final int at;
  final float @Nullable [] delta;
  /** Filled with the key at {@code at} (length intermediateSize) when not null. */
  float @Nullable [] key;
  /** Filled with the keys of every chunk position ({@code n × intermediateSize}) when not null. */
  float @Nullable [] allKeys;
  /** Filled with the MLP output at {@code at} when not null. */
  float @Nullable [] mlpOutput;
  /** Filled with the residual stream before the MLP is added, at {@code at}, when not null. */
  float @Nullable [] residualBefore;
  /** Filled with the whole chunk's residual stream after the layer ({@code n × d}) when not null. */
  float @Nullable [] residualAfter;

  MlpHook(int layer, int at, float @Nullable [] delta) {
    this.layer = layer;
    this.at = at;
    this.delta = delta;
  }

  void observe(float[] x, float[] g, float[] o, int n, int d, int ff) {
    if (key != null) {
      System.arraycopy(g, at * ff, key, 0, ff);
    }
    if (allKeys != null) {
      System.arraycopy(g, 0, allKeys, 0, n * ff);
    }
    if (mlpOutput != null) {
      System.arraycopy(o, at * d, mlpOutput, 0, d);
    }
    if (residualBefore != null) {
      System.arraycopy(x, at * d, residualBefore, 0, d);
    }
  }

  /** {@code x += o}, with {@code x[at] = x[at] + (o[at] + delta)} at the injected position. */
  void addWithInjection(float[] x, float[] o, int d) {
    float[] dl = delta;
    for (int i = 0; i < x.length; i++) {
      int pos = i / d;
      x[i] = dl != null && pos == at ? x[i] + (o[i] + dl[i - at * d]) : x[i] + o[i];
    }
    if (residualAfter != null) {
      System.arraycopy(x, 0, residualAfter, 0, x.length);
    }
  }
}
