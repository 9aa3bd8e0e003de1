package org.mobiedit.backend.cpu;

import org.jspecify.annotations.Nullable;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeLayout;

/**
 * The decoder forward pass (Llama / Qwen2): RMSNorm → q/k/v (+bias) → rotary → grouped-query causal attention
 * over the cache → output projection → residual; RMSNorm → SiLU(gate)·up → down → residual; final RMSNorm and the
 * LM head only where logits are wanted. Stateless apart from the weights; the cache is passed in.
 */
final class Transformer {
  private static final int MIN_ROWS_PER_TASK = 16;
  /** Multiply-adds below which a product runs on the calling thread alone. */
  private static final long PARALLEL_WORK = 1L << 17;

  private final ModelSpec spec;
  private final Matrix embedding;
  private final LayerWeights[] layers;
  private final float[] outputNorm;
  private final Matrix lmHead;
  private final Workers workers;
  private final double[] invFreq;
  private final DotProduct kernel;
  private final @Nullable ActivationQuantizer quantizer;

  Transformer(ModelSpec spec, Matrix embedding, LayerWeights[] layers, float[] outputNorm, Matrix lmHead,
      Workers workers, DotProduct kernel, @Nullable ActivationQuantizer quantizer) {
    this.kernel = kernel;
    this.quantizer = quantizer;
    this.spec = spec;
    this.embedding = embedding;
    this.layers = layers;
    this.outputNorm = outputNorm;
    this.lmHead = lmHead;
    this.workers = workers;
    this.invFreq = spec.ropeInverseFrequencies();
  }

  /**
   * Runs {@code tokens} at positions {@code cache.length ..} through the model, appends their keys/values to the
   * cache, and returns the logits at the chunk indexes {@code logitAt}.
   */
  float[][] forward(KvCache cache, int[] tokens, int[] logitAt) {
    return run(cache, embed(tokens), tokens.length, 0, layers.length, null, logitAt);
  }

  /** The token embeddings of a chunk, {@code n × d}. */
  float[] embed(int[] tokens) {
    int d = spec.hiddenSize();
    float[] x = new float[tokens.length * d];
    for (int t = 0; t < tokens.length; t++) {
      embedding.row(tokens[t], x, t * d);
    }
    return x;
  }

  /**
   * Runs a chunk of {@code n} residual-stream vectors {@code x} (at positions {@code cache.length ..}) through layers
   * {@code [fromLayer, toLayer)}, observing or modifying one layer's MLP through {@code hook}, and returns the logits
   * at the chunk indexes {@code logitAt} (none: the LM head is skipped; logits need {@code toLayer} = all layers).
   * {@code x} is overwritten.
   */
  float[][] run(KvCache cache, float[] x, int n, int fromLayer, int toLayer,
      @org.jspecify.annotations.Nullable MlpHook hook, int[] logitAt) {
    return run(cache, x, n, 1, fromLayer, toLayer, hook, logitAt);
  }

  /**
   * As {@link #run(KvCache, float[], int, int, int, MlpHook, int[])}, for a chunk made of {@code segments}
   * independent continuations of the same cached prefix, {@code n / segments} tokens each, one after another: segment
   * {@code g}'s token {@code t} sits at position {@code cache.length + t}, is stored in cache slot
   * {@code cache.length + g·(n/segments) + t}, and attends to the cached prefix and to its own segment only. Every
   * segment computes exactly what it would alone (same products, same order of every sum); running them together
   * lets each weight row serve all of them.
   */
  float[][] run(KvCache cache, float[] x, int n, int segments, int fromLayer, int toLayer,
      @org.jspecify.annotations.Nullable MlpHook hook, int[] logitAt) {
    if (toLayer < layers.length && logitAt.length > 0) {
      throw new IllegalArgumentException("logits need every layer");
    }
    if (segments < 1 || n % segments != 0 || (segments > 1 && hook != null)) {
      throw new IllegalArgumentException("a chunk of " + n + " tokens cannot hold " + segments + " segments");
    }
    int segment = n / segments;
    int d = spec.hiddenSize();
    int p0 = cache.length;
    cache.ensure(p0 + n);
    float[] xn = new float[n * d];
    int qDim = spec.queryDim();
    int kvDim = spec.kvDim();
    int ff = spec.intermediateSize();
    float[] q = new float[n * qDim];
    float[] k = new float[n * kvDim];
    float[] v = new float[n * kvDim];
    float[] att = new float[n * qDim];
    float[] o = new float[n * d];
    float[] g = new float[n * ff];
    float[] u = new float[n * ff];
    for (int l = fromLayer; l < toLayer; l++) {
      LayerWeights w = layers[l];
      rmsNorm(x, w.attnNorm, xn, n, d);
      quantize(l, ActivationQuantizer.Point.ATTENTION_INPUT, xn);
      multiply(w.wq, xn, n, q);
      multiply(w.wk, xn, n, k);
      multiply(w.wv, xn, n, v);
      addBias(q, w.bq, n);
      addBias(k, w.bk, n);
      addBias(v, w.bv, n);
      rotate(q, n, spec.heads(), p0, segment);
      rotate(k, n, spec.kvHeads(), p0, segment);
      quantize(l, ActivationQuantizer.Point.QUERY, q);
      quantize(l, ActivationQuantizer.Point.KEY, k);
      quantize(l, ActivationQuantizer.Point.VALUE, v);
      System.arraycopy(k, 0, cache.keys[l], p0 * kvDim, n * kvDim);
      System.arraycopy(v, 0, cache.values[l], p0 * kvDim, n * kvDim);
      attend(cache.keys[l], cache.values[l], q, att, n, p0, segment);
      quantize(l, ActivationQuantizer.Point.ATTENTION_OUTPUT, att);
      multiply(w.wo, att, n, o);
      add(x, o);
      rmsNorm(x, w.ffnNorm, xn, n, d);
      quantize(l, ActivationQuantizer.Point.MLP_INPUT, xn);
      multiply(w.gate, xn, n, g);
      multiply(w.up, xn, n, u);
      for (int i = 0; i < g.length; i++) {
        float a = g[i];
        g[i] = a / (1f + (float) Math.exp(-a)) * u[i];
      }
      quantize(l, ActivationQuantizer.Point.DOWN_INPUT, g);
      multiply(w.down, g, n, o);
      for (RankOneTerm term : w.rankOne) {
        term.addTo(o, g, n, d, ff, kernel);
      }
      if (hook != null && hook.layer == l) {
        hook.observe(x, g, o, n, d, ff);
        hook.addWithInjection(x, o, d);
      } else {
        add(x, o);
      }
    }
    cache.length = p0 + n;
    if (quantizer != null && quantizer.calibrating() && toLayer == layers.length) {
      // Calibration sees the LM head's input at every position, not only where logits were asked for.
      float[] all = new float[n * d];
      rmsNorm(x, outputNorm, all, n, d);
      quantizer.applyHead(all, all.length);
    }
    if (logitAt.length == 0) {
      return new float[0][];
    }
    float[] last = new float[logitAt.length * d];
    for (int i = 0; i < logitAt.length; i++) {
      System.arraycopy(x, logitAt[i] * d, last, i * d, d);
    }
    float[] normed = new float[last.length];
    rmsNorm(last, outputNorm, normed, logitAt.length, d);
    if (quantizer != null && !quantizer.calibrating()) {
      quantizer.applyHead(normed, normed.length);
    }
    int vocab = spec.vocabSize();
    float[] logits = new float[logitAt.length * vocab];
    if ((long) vocab * d * logitAt.length < PARALLEL_WORK) {
      lmHead.multiply(normed, logitAt.length, logits, vocab, 0, vocab);
    } else {
      workers.forEachRange(vocab, MIN_ROWS_PER_TASK,
          (a, b) -> lmHead.multiply(normed, logitAt.length, logits, vocab, a, b));
    }
    float[][] out = new float[logitAt.length][];
    for (int i = 0; i < logitAt.length; i++) {
      out[i] = java.util.Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab);
    }
    return out;
  }

  int layerCount() {
    return layers.length;
  }

  LayerWeights layer(int l) {
    return layers[l];
  }

  private void quantize(int layer, ActivationQuantizer.Point point, float[] x) {
    if (quantizer != null) {
      quantizer.apply(layer, point, x, x.length);
    }
  }

  private void multiply(Matrix m, float[] x, int n, float[] y) {
    int rows = m.rows();
    if ((long) rows * m.cols() * n < PARALLEL_WORK) {
      m.multiply(x, n, y, rows, 0, rows); // too little work to pay for waking other threads
      return;
    }
    workers.forEachRange(rows, MIN_ROWS_PER_TASK, (a, b) -> m.multiply(x, n, y, rows, a, b));
  }

  private static void addBias(float[] y, float @org.jspecify.annotations.Nullable [] bias, int n) {
    if (bias == null) {
      return;
    }
    int w = bias.length;
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < w; i++) {
        y[t * w + i] += bias[i];
      }
    }
  }

  static void add(float[] x, float[] y) {
    for (int i = 0; i < x.length; i++) {
      x[i] += y[i];
    }
  }

  /** RMSNorm: {@code out = x / sqrt(mean(x²) + eps) * weight}, the mean accumulated in double. */
  private void rmsNorm(float[] x, float[] weight, float[] out, int n, int d) {
    for (int t = 0; t < n; t++) {
      int o = t * d;
      double ss = 0;
      for (int i = 0; i < d; i++) {
        ss += (double) x[o + i] * x[o + i];
      }
      float inv = (float) (1.0 / Math.sqrt(ss / d + spec.rmsNormEps()));
      for (int i = 0; i < d; i++) {
        out[o + i] = x[o + i] * inv * weight[i];
      }
    }
  }

  /** Rotary embedding in the model's layout, position {@code p0 + t % segment} for chunk token {@code t}. */
  private void rotate(float[] y, int n, int heads, int p0, int segment) {
    int hd = spec.headDim();
    int half = hd / 2;
    boolean interleaved = spec.ropeLayout() == RopeLayout.INTERLEAVED;
    float[] cos = new float[half];
    float[] sin = new float[half];
    for (int t = 0; t < n; t++) {
      int pos = p0 + t % segment;
      for (int i = 0; i < half; i++) {
        double angle = pos * invFreq[i];
        cos[i] = (float) Math.cos(angle);
        sin[i] = (float) Math.sin(angle);
      }
      for (int h = 0; h < heads; h++) {
        int base = (t * heads + h) * hd;
        for (int i = 0; i < half; i++) {
          int a = interleaved ? base + 2 * i : base + i;
          int b = interleaved ? a + 1 : a + half;
          float x0 = y[a];
          float x1 = y[b];
          y[a] = x0 * cos[i] - x1 * sin[i];
          y[b] = x0 * sin[i] + x1 * cos[i];
        }
      }
    }
  }

  /**
   * Causal grouped-query attention of the chunk's queries over cached keys/values, one head per task. Chunk token
   * {@code t} of segment {@code g = t / segment} sees the cached positions {@code [0, p0)} and its own segment's
   * slots up to itself, in that order.
   */
  private void attend(float[] keys, float[] values, float[] q, float[] out, int n, int p0, int segment) {
    int heads = spec.heads();
    int hd = spec.headDim();
    int group = heads / spec.kvHeads();
    int kvDim = spec.kvDim();
    int qDim = spec.queryDim();
    float scale = (float) (1.0 / Math.sqrt(hd));
    long work = (long) heads * n * (p0 + segment) * hd;
    workers.forEachRange(heads, work < PARALLEL_WORK ? heads : 1, (hFrom, hTo) -> {
      float[] scores = new float[p0 + segment];
      for (int h = hFrom; h < hTo; h++) {
        int kvOff = (h / group) * hd;
        for (int t = 0; t < n; t++) {
          int qo = t * qDim + h * hd;
          int own = p0 + (t / segment) * segment; // the first slot of this token's segment
          int len = p0 + t % segment + 1;
          float max = Float.NEGATIVE_INFINITY;
          for (int i = 0; i < len; i++) {
            int p = i < p0 ? i : own + (i - p0);
            float s = kernel.dot(q, qo, keys, p * kvDim + kvOff, hd) * scale;
            scores[i] = s;
            max = Math.max(max, s);
          }
          float sum = 0;
          for (int i = 0; i < len; i++) {
            float e = (float) Math.exp(scores[i] - max);
            scores[i] = e;
            sum += e;
          }
          float inv = 1f / sum;
          int oo = t * qDim + h * hd;
          java.util.Arrays.fill(out, oo, oo + hd, 0f);
          for (int i = 0; i < len; i++) {
            float a = scores[i] * inv;
            int vo = (i < p0 ? i : own + (i - p0)) * kvDim + kvOff;
            for (int j = 0; j < hd; j++) {
              out[oo + j] += a * values[vo + j];
            }
          }
        }
      }
    });
  }
}
