package org.mobiedit.backend.cpu.model;

import java.util.Arrays;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.kernel.DotProduct;
import org.mobiedit.backend.cpu.kernel.FloatMatrix;
import org.mobiedit.backend.cpu.kernel.Int4Matrix;
import org.mobiedit.backend.cpu.kernel.Int8Matrix;
import org.mobiedit.backend.cpu.kernel.Matrix;
import org.mobiedit.backend.cpu.kernel.Workers;
import org.mobiedit.backend.cpu.quant.ActivationQuantizer;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.Tensor;
import org.mobiedit.spi.TensorNames;
import org.mobiedit.spi.numerics.ActivationPoint;
import org.mobiedit.spi.numerics.DynamicActivations;
import org.mobiedit.spi.numerics.RotaryTables;

/**
 * The decoder forward pass (Llama / Qwen2): RMSNorm → q/k/v (+bias) → rotary → grouped-query causal attention
 * over the cache → output projection → residual; RMSNorm → SiLU(gate)·up → down → residual; final RMSNorm and the
 * LM head only where logits are wanted. Stateless apart from the weights and their rank-one terms; the cache is
 * passed in.
 */
public final class Transformer {
  private static final int MIN_ROWS_PER_TASK = 16;
  /** Multiply-adds below which a product runs on the calling thread alone. */
  private static final long PARALLEL_WORK = 1L << 17;
  /** Queries whose attention scores are computed together; bounds the score buffer of a long prompt. */
  private static final int QUERY_BLOCK = 64;

  private final ModelSpec spec;
  private final Matrix embedding;
  private final LayerWeights[] layers;
  private final float[] outputNorm;
  private final Matrix lmHead;
  private final Workers workers;
  private final RotaryTables rope;
  private final DotProduct kernel;
  private final @Nullable ActivationQuantizer quantizer;
  /** {@link Precision#INT8_DYNAMIC}: every matrix product rounds its input tokens ({@link DynamicActivations}). */
  private final boolean roundsProductInputs;
  private final long weightBytes;
  private final long headBudgetBytes;

  private Transformer(ModelSpec spec, Matrix embedding, LayerWeights[] layers, float[] outputNorm, Matrix lmHead,
      Workers workers, DotProduct kernel, @Nullable ActivationQuantizer quantizer, boolean roundsProductInputs,
      long weightBytes, long headBudgetBytes) {
    this.headBudgetBytes = headBudgetBytes;
    this.roundsProductInputs = roundsProductInputs;
    this.kernel = kernel;
    this.quantizer = quantizer;
    this.spec = spec;
    this.embedding = embedding;
    this.layers = layers;
    this.outputNorm = outputNorm;
    this.lmHead = lmHead;
    this.workers = workers;
    this.rope = RotaryTables.of(spec);
    this.weightBytes = weightBytes;
  }

  /**
   * Converts every weight once: to float32 arrays, or with {@link Precision#quantizesWeights()} to int8 with one scale
   * per output channel (including the embedding and LM head), or for {@link Precision#INT4} to 4-bit blocks (where
   * {@link Int4Matrix#keeps4Bit} says so, else int8); norms and biases stay float. Each matrix's source pages
   * are released as soon as it is converted, so peak memory stays near one tensor above the converted weights.
   *
   * @param quantizer the static activation quantizer (int8-a8 / int8-a16), else null
   */
  public static Transformer load(ModelWeights weights, Precision precision, Workers workers, DotProduct kernel,
      @Nullable ActivationQuantizer quantizer) {
    return load(weights, precision, workers, kernel, quantizer,
        Math.max(8L << 20, Runtime.getRuntime().maxMemory() / 8));
  }

  /**
   * As {@link #load(ModelWeights, Precision, Workers, DotProduct, ActivationQuantizer)}, with the heap the LM head's
   * logits of one group may take ({@link #run(KvCache, float[], int, int, int, int, MlpHook, int[], LogitSink)}):
   * by default an eighth of the maximum Java heap, at least 8 MiB.
   */
  public static Transformer load(ModelWeights weights, Precision precision, Workers workers, DotProduct kernel,
      @Nullable ActivationQuantizer quantizer, long headBudgetBytes) {
    ModelSpec spec = weights.spec();
    Function<Tensor, Matrix> matrix = t -> {
      Matrix m;
      if (precision == Precision.INT4 && Int4Matrix.keeps4Bit(t.dtype(), t.columns())) {
        m = Int4Matrix.of(t, kernel);
      } else {
        m = precision.quantizesWeights() ? Int8Matrix.of(t, kernel) : FloatMatrix.of(t, kernel);
      }
      t.releaseResident();
      return m;
    };
    for (String name : spec.requiredTensors()) {
      Tensor t = weights.tensor(name);
      if ((long) t.rows() * t.columns() > Integer.MAX_VALUE - 8) {
        throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
            "Tensor " + name + " has " + t.elementCount() + " elements, more than one Java array holds: the CPU"
                + " backend supports matrices up to 2^31 elements.");
      }
    }
    Matrix embedding = matrix.apply(weights.tensor(TensorNames.TOKEN_EMBEDDING));
    LayerWeights[] layers = new LayerWeights[spec.layers()];
    long bytes = embedding.bytes();
    for (int l = 0; l < layers.length; l++) {
      layers[l] = new LayerWeights(spec, weights, l, matrix);
      bytes += layers[l].bytes();
    }
    float[] outputNorm = weights.tensor(TensorNames.OUTPUT_NORM).readAll();
    Matrix lmHead = spec.tiedEmbeddings() ? embedding : matrix.apply(weights.tensor(TensorNames.OUTPUT));
    if (!spec.tiedEmbeddings()) {
      bytes += lmHead.bytes();
    }
    return new Transformer(spec, embedding, layers, outputNorm, lmHead, workers, kernel, quantizer,
        precision.quantizesActivationsDynamically(), bytes + 4L * outputNorm.length, headBudgetBytes);
  }

  /** Bytes of converted weights held (rank-one terms not counted). */
  public long weightBytes() {
    return weightBytes;
  }

  /**
   * Runs {@code tokens} at positions {@code cache.length ..} through the model, appends their keys/values to the
   * cache, and returns the logits at the chunk indexes {@code logitAt}.
   */
  public float[][] forward(KvCache cache, int[] tokens, int[] logitAt) {
    return run(cache, embed(tokens), tokens.length, 0, layers.length, null, logitAt);
  }

  /** The token embeddings of a chunk, {@code n × d}. */
  public float[] embed(int[] tokens) {
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
  public float[][] run(KvCache cache, float[] x, int n, int fromLayer, int toLayer, @Nullable MlpHook hook,
      int[] logitAt) {
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
  public float[][] run(KvCache cache, float[] x, int n, int segments, int fromLayer, int toLayer,
      @Nullable MlpHook hook, int[] logitAt) {
    int vocab = spec.vocabSize();
    float[][] out = new float[logitAt.length][];
    run(cache, x, n, segments, fromLayer, toLayer, hook, logitAt,
        (i, logits, from) -> out[i] = Arrays.copyOfRange(logits, from, from + vocab));
    return out;
  }

  /** Receives the logits at one requested position. */
  @FunctionalInterface
  public interface LogitSink {
    /**
     * The logits at {@code logitAt[index]}: {@code logits[from .. from + vocab)}. The array is reused once this
     * returns, so a sink that keeps them copies them.
     */
    void accept(int index, float[] logits, int from);
  }

  /**
   * As {@link #run(KvCache, float[], int, int, int, int, MlpHook, int[])}, handing the logits to {@code sink} position
   * by position, in the order of {@code logitAt}. The LM head runs over as many positions at once as the head's
   * budget allows (see {@link #load(ModelWeights, Precision, Workers, DotProduct, ActivationQuantizer, long)}), so the
   * full-vocabulary logits of a long chunk never exist at once; a position's logits are the same bits whatever group
   * computed them.
   */
  public void run(KvCache cache, float[] x, int n, int segments, int fromLayer, int toLayer, @Nullable MlpHook hook,
      int[] logitAt, LogitSink sink) {
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
      quantize(l, ActivationPoint.ATTENTION_INPUT, xn);
      multiply(w.wq, xn, n, q);
      multiply(w.wk, xn, n, k);
      multiply(w.wv, xn, n, v);
      addBias(q, w.bq, n);
      addBias(k, w.bk, n);
      addBias(v, w.bv, n);
      rotate(q, n, spec.heads(), p0, segment);
      rotate(k, n, spec.kvHeads(), p0, segment);
      quantize(l, ActivationPoint.QUERY, q);
      quantize(l, ActivationPoint.KEY, k);
      quantize(l, ActivationPoint.VALUE, v);
      System.arraycopy(k, 0, cache.keys[l], p0 * kvDim, n * kvDim);
      System.arraycopy(v, 0, cache.values[l], p0 * kvDim, n * kvDim);
      attend(cache.keys[l], cache.values[l], q, att, n, p0, segment);
      quantize(l, ActivationPoint.ATTENTION_OUTPUT, att);
      multiply(w.wo, att, n, o);
      add(x, o);
      rmsNorm(x, w.ffnNorm, xn, n, d);
      quantize(l, ActivationPoint.MLP_INPUT, xn);
      multiply(w.gate, xn, n, g);
      multiply(w.up, xn, n, u);
      for (int i = 0; i < g.length; i++) {
        float a = g[i];
        g[i] = a / (1f + (float) Math.exp(-a)) * u[i];
      }
      quantize(l, ActivationPoint.DOWN_INPUT, g);
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
      return;
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
    int group = headPositions(logitAt.length);
    float[] logits = new float[group * vocab];
    for (int first = 0; first < logitAt.length; first += group) {
      int count = Math.min(group, logitAt.length - first);
      multiply(lmHead, Arrays.copyOfRange(normed, first * d, (first + count) * d), count, logits);
      for (int i = 0; i < count; i++) {
        sink.accept(first + i, logits, i * vocab);
      }
    }
  }

  /**
   * How many positions' logits the LM head computes at once: all of them while they fit the head's budget (by
   * default an eighth of the maximum Java heap, at least 8 MiB), else as many as fit, at least one. Each group reads
   * the LM head once, so a desktop's large heap keeps one pass per chunk, and a small heap (a phone's, or a 3B model
   * under {@code -Xmx64m}) trades a few more passes for memory.
   */
  private int headPositions(int positions) {
    long perPosition = 4L * spec.vocabSize();
    return (int) Math.max(1, Math.min(positions, headBudgetBytes / perPosition));
  }

  /** Adds a rank-one side term to {@code W_down} of {@code layer}, after the ones it has. */
  public void addRankOne(int layer, long handle, float[] left, float[] right) {
    layers[layer].rankOne.add(new RankOneTerm(handle, left, right));
  }

  /** Removes the rank-one term with {@code handle}; false if no layer has it. */
  public boolean removeRankOne(long handle) {
    for (LayerWeights w : layers) {
      if (w.rankOne.removeIf(t -> t.handle == handle)) {
        return true;
      }
    }
    return false;
  }

  private void quantize(int layer, ActivationPoint point, float[] x) {
    if (quantizer != null) {
      quantizer.apply(layer, point, x, x.length);
    }
  }

  /**
   * {@code y = x · mᵀ} for {@code n} tokens. In {@link Precision#INT8_DYNAMIC} the product sees each token rounded to
   * its own int8 grid, on a copy: other readers of {@code x} (the rank-one terms, a capture) get the float values, as
   * in a graph where the rounding happens inside the fully connected kernel.
   */
  private void multiply(Matrix m, float[] input, int n, float[] y) {
    float[] in = roundsProductInputs ? rounded(input, n, m.cols()) : input;
    int rows = m.rows();
    if ((long) rows * m.cols() * n < PARALLEL_WORK) {
      m.multiply(in, n, y, rows, 0, rows); // too little work to pay for waking other threads
      return;
    }
    workers.forEachRange(rows, MIN_ROWS_PER_TASK, (a, b) -> m.multiply(in, n, y, rows, a, b));
  }

  private static float[] rounded(float[] x, int n, int cols) {
    float[] copy = Arrays.copyOf(x, n * cols);
    DynamicActivations.roundTokens(copy, 0, n, cols);
    return copy;
  }

  private static void addBias(float[] y, float @Nullable [] bias, int n) {
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

  private static void add(float[] x, float[] y) {
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
    float[] cos = new float[rope.half()];
    float[] sin = new float[rope.half()];
    for (int t = 0; t < n; t++) {
      rope.angles(p0 + t % segment, cos, sin, 0);
      rope.rotate(y, t * heads * spec.headDim(), heads, cos, sin, 0);
    }
  }

  /**
   * Causal grouped-query attention of the chunk's queries over cached keys/values, one head per task. Chunk token
   * {@code t} of segment {@code g = t / segment} sees the cached positions {@code [0, p0)} and its own segment's
   * slots up to itself, in that order.
   *
   * <p>For each head and segment, the keys it sees are gathered into one array, row after row, and the scores of a
   * block of queries against them are one panel product of the kernel (tiles of several queries × several keys), each
   * score bit-identical to the dot product of its pair. Scores past a query's own position are computed for the
   * block's later queries and ignored. The weighted sum of values then runs in position order, as it always did.
   */
  private void attend(float[] keys, float[] values, float[] q, float[] out, int n, int p0, int segment) {
    int heads = spec.heads();
    int hd = spec.headDim();
    int group = heads / spec.kvHeads();
    int kvDim = spec.kvDim();
    int qDim = spec.queryDim();
    float scale = (float) (1.0 / Math.sqrt(hd));
    int visibleMax = p0 + segment;
    int block = Math.min(QUERY_BLOCK, segment);
    long work = (long) heads * n * visibleMax * hd;
    workers.forEachRange(heads, work < PARALLEL_WORK ? heads : 1, (hFrom, hTo) -> {
      float[] k = new float[visibleMax * hd];
      float[] queries = new float[block * hd];
      float[] scores = new float[block * visibleMax];
      for (int h = hFrom; h < hTo; h++) {
        int kvOff = (h / group) * hd;
        for (int own = p0; own < p0 + n; own += segment) {
          for (int i = 0; i < visibleMax; i++) {
            int p = i < p0 ? i : own + (i - p0);
            System.arraycopy(keys, p * kvDim + kvOff, k, i * hd, hd);
          }
          for (int b = 0; b < segment; b += block) {
            int m = Math.min(block, segment - b);
            int len = p0 + b + m; // what the block's last query sees
            int t0 = own - p0 + b;
            for (int r = 0; r < m; r++) {
              System.arraycopy(q, (t0 + r) * qDim + h * hd, queries, r * hd, hd);
            }
            kernel.panel(k, len, hd, queries, 0, m, scores, 0, len);
            for (int r = 0; r < m; r++) {
              int visible = p0 + b + r + 1;
              int so = r * len;
              float max = Float.NEGATIVE_INFINITY;
              for (int i = 0; i < visible; i++) {
                float s = scores[so + i] * scale;
                scores[so + i] = s;
                max = Math.max(max, s);
              }
              float sum = 0;
              for (int i = 0; i < visible; i++) {
                float e = (float) Math.exp(scores[so + i] - max);
                scores[so + i] = e;
                sum += e;
              }
              float inv = 1f / sum;
              int oo = (t0 + r) * qDim + h * hd;
              java.util.Arrays.fill(out, oo, oo + hd, 0f);
              for (int i = 0; i < visible; i++) {
                int vo = (i < p0 ? i : own + (i - p0)) * kvDim + kvOff;
                kernel.addScaled(scores[so + i] * inv, values, vo, out, oo, hd);
              }
            }
          }
        }
      }
    });
  }
}
