package org.mobiedit.backend.cpu.model;

import org.jspecify.annotations.Nullable;

/**
 * Observes and modifies one layer's MLP during a forward pass, at one chunk index: reads the key (input of
 * {@code W_down}) and the MLP output, remembers the residual stream, and adds a delta to the MLP output. The
 * injected position is computed as {@code residual + (mlpOutput + delta)} — the same expression the prefix-cache
 * resume uses, so both give bit-identical results.
 *
 * <p>Each {@code record…} method asks for one more observation and returns the array the pass fills in.
 */
public final class MlpHook {
  final int layer;
  final int at;
  final float @Nullable [] delta;
  /** Filled with the key at {@code at} (length intermediateSize) when not null. */
  private float @Nullable [] key;
  /** Filled with the keys of every chunk position ({@code n × intermediateSize}) when not null. */
  private float @Nullable [] allKeys;
  /** Filled with the MLP output at {@code at} when not null. */
  private float @Nullable [] mlpOutput;
  /** Filled with the residual stream before the MLP is added, at {@code at}, when not null. */
  private float @Nullable [] residualBefore;
  /** Filled with the whole chunk's residual stream after the layer ({@code n × d}) when not null. */
  private float @Nullable [] residualAfter;

  /** A hook at chunk index {@code at} of {@code layer}, adding {@code delta} to the MLP output there when not null. */
  public MlpHook(int layer, int at, float @Nullable [] delta) {
    this.layer = layer;
    this.at = at;
    this.delta = delta;
  }

  /** The key at {@code at}, {@code intermediateSize} long. */
  public float[] recordKey(int intermediateSize) {
    return key = new float[intermediateSize];
  }

  /** The keys of the whole chunk, {@code n × intermediateSize}. */
  public float[] recordAllKeys(int n, int intermediateSize) {
    return allKeys = new float[n * intermediateSize];
  }

  /** The MLP output at {@code at}, {@code hiddenSize} long. */
  public float[] recordMlpOutput(int hiddenSize) {
    return mlpOutput = new float[hiddenSize];
  }

  /** The residual stream at {@code at} before the MLP output is added, {@code hiddenSize} long. */
  public float[] recordResidualBefore(int hiddenSize) {
    return residualBefore = new float[hiddenSize];
  }

  /** The whole chunk's residual stream after the layer, {@code n × hiddenSize}. */
  public float[] recordResidualAfter(int n, int hiddenSize) {
    return residualAfter = new float[n * hiddenSize];
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
