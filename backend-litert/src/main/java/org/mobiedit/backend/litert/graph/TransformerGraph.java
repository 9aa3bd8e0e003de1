package org.mobiedit.backend.litert.graph;

import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.litert.tflite.TensorType;
import org.mobiedit.backend.litert.tflite.TfliteGraph;
import org.mobiedit.backend.litert.tflite.TfliteGraph.Tensor;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.TensorNames;

/**
 * A Llama or Qwen2 model as a TFLite graph, for one row of {@code positions} tokens (a shape bucket: shorter rows are
 * padded at the end, which causal attention keeps out of every earlier position). One builder writes the three graphs
 * the SPI needs, chosen by {@link Variant}:
 * <ul>
 *   <li>forward: inputs {@code tokens} int32 {@code [T]}, {@code logit_positions} int32 {@code [K]}; output logits
 *       {@code [1, K, vocab]};
 *   <li>injection at layer L for {@code B} directions: also {@code delta} {@code [B, hidden]} and {@code inject_at}, a
 *       one-hot float {@code [T, 1]}; the deltas are added to layer L's MLP output at that position and the later layers
 *       run batched over the directions; output logits {@code [B, K, vocab]};
 *   <li>capture at layer L: no logits; outputs the MLP key {@code [1, T, intermediate]} and the MLP output
 *       {@code [1, T, hidden]} of layer L, and the graph stops there.
 * </ul>
 * Rank-one updates of {@code W_down} are inputs, not constants: for a layer with {@code R} terms, {@code right}
 * {@code [R, intermediate]} and {@code left_t} {@code [hidden, R]} add {@code left·(right·key)} to the MLP output, so
 * an update never rewrites the weights (zero terms pad {@code R} to a bucket and add exactly nothing).
 *
 * <p>Weights are float32 constants read from the loaded model; the rotary tables and the causal mask are constants of
 * the bucket.
 *
 * <p>Layout choices: attention runs as batched matrix products over key/value groups ({@code [groups, repeats ×
 * positions, headDim]} against {@code [groups, positions, headDim]}), so grouped-query attention needs no copies of
 * keys. Interleaved rotary weights (GGUF Llama) are reordered to rotate-half when written: the same permutation of
 * query and key rows within a head leaves every attention score unchanged.
 */
public final class TransformerGraph {
  /** Added to scores a query must not see; exp() of it is exactly 0 in float32. */
  private static final float MASKED = -1e9f;

  /**
   * What a graph computes.
   *
   * @param positions T, the row bucket (at most the context)
   * @param logitRows K, logit positions wanted (ignored by a capture graph)
   * @param directions B, deltas injected at once (1 without injection)
   * @param injectLayer the layer whose MLP output receives the deltas, or -1
   * @param captureLayer the layer whose MLP key and output are the graph's outputs, or -1
   * @param rankTerms per layer, the number of rank-one term slots (0 for none)
   */
  public record Variant(int positions, int logitRows, int directions, int injectLayer, int captureLayer,
      int[] rankTerms) {
    public static Variant forward(int positions, int logitRows, int[] rankTerms) {
      return new Variant(positions, logitRows, 1, -1, -1, rankTerms);
    }

    /** A name that holds everything the graph depends on besides the weights (for caches). */
    public String key() {
      StringBuilder b = new StringBuilder(captureLayer >= 0 ? "capture" + captureLayer
          : injectLayer >= 0 ? "inject" + injectLayer : "forward");
      b.append("-T").append(positions);
      if (captureLayer < 0) {
        b.append("-K").append(logitRows).append("-B").append(directions);
      }
      for (int l = 0; l < rankTerms.length; l++) {
        if (rankTerms[l] > 0) {
          b.append("-r").append(l).append('x').append(rankTerms[l]);
        }
      }
      return b.toString();
    }
  }

  private final ModelSpec spec;
  private final ModelWeights weights;
  private final TfliteGraph g = new TfliteGraph();
  private final Variant v;
  private final int positions;

  private TransformerGraph(ModelWeights weights, Variant v) {
    this.spec = weights.spec();
    this.weights = weights;
    this.v = v;
    this.positions = v.positions();
  }

  /** Checks that the writer can express this model, with a message naming what it cannot. */
  public static void checkSupported(ModelSpec spec) {
    if (spec.architecture() != Architecture.LLAMA && spec.architecture() != Architecture.QWEN2) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          "The LiteRT backend writes graphs for Llama and Qwen2 models, not " + spec.architecture() + ".");
    }
    if (spec.headDim() % 2 != 0) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          "The LiteRT backend needs an even head size for rotary embeddings, not " + spec.headDim() + ".");
    }
  }

  /** Builds the graph of a variant. Input order: tokens, then logit positions, delta, inject_at (when used), then the
   * rank-one inputs by layer (right, left_t). */
  public static TfliteGraph build(ModelWeights weights, Variant variant) {
    checkSupported(weights.spec());
    TransformerGraph t = new TransformerGraph(weights, variant);
    t.build();
    return t.g;
  }

  private void build() {
    int d = spec.hiddenSize();
    boolean capture = v.captureLayer() >= 0;
    Tensor tokens = g.input("tokens", TensorType.INT32, positions);
    Tensor logitPositions = capture ? null : g.input("logit_positions", TensorType.INT32, v.logitRows());
    Tensor delta = null;
    Tensor injectAt = null;
    if (v.injectLayer() >= 0) {
      delta = g.input("delta", TensorType.FLOAT32, v.directions(), d);
      injectAt = g.input("inject_at", TensorType.FLOAT32, positions, 1);
    }
    Tensor[][] terms = new Tensor[spec.layers()][];
    for (int l = 0; l < spec.layers(); l++) {
      int r = l < v.rankTerms().length ? v.rankTerms()[l] : 0;
      if (r > 0) {
        terms[l] = new Tensor[] {g.input("rank_right_" + l, TensorType.FLOAT32, r, spec.intermediateSize()),
            g.input("rank_left_t_" + l, TensorType.FLOAT32, d, r)};
      }
    }
    Tensor embedding = weight(TensorNames.TOKEN_EMBEDDING);
    Tensor x = g.reshape(g.gather(embedding, tokens), 1, positions, d);
    Rotary rope = rotaryTables();
    Tensor mask = causalMask();
    int last = capture ? v.captureLayer() : spec.layers() - 1;
    for (int l = 0; l <= last; l++) {
      x = g.add(x, attention(l, rmsNorm(x, TensorNames.attnNorm(l)), rope, mask));
      Tensor h = rmsNorm(x, TensorNames.ffnNorm(l));
      Tensor gate = g.fullyConnected(h, weight(TensorNames.ffnGate(l)), null);
      Tensor up = g.fullyConnected(h, weight(TensorNames.ffnUp(l)), null);
      Tensor key = g.mul(g.mul(gate, g.logistic(gate)), up); // SiLU(gate)·up: the input of W_down
      Tensor out = g.fullyConnected(key, weight(TensorNames.ffnDown(l)), null);
      if (terms[l] != null) {
        out = g.add(out, g.fullyConnected(g.fullyConnected(key, terms[l][0], null), terms[l][1], null));
      }
      if (capture && l == last) {
        g.output(key);
        g.output(out);
        return;
      }
      x = g.add(x, out);
      if (l == v.injectLayer()) {
        Tensor perDirection = g.reshape(delta, v.directions(), 1, d);
        x = g.add(x, g.mul(perDirection, g.reshape(injectAt, 1, positions, 1)));
      }
    }
    Tensor picked = g.gather(rmsNorm(x, TensorNames.OUTPUT_NORM), logitPositions, 1);
    Tensor out = spec.tiedEmbeddings() ? embedding : weight(TensorNames.OUTPUT);
    g.output(g.fullyConnected(picked, out, null));
  }

  private Tensor rmsNorm(Tensor x, String gammaName) {
    Tensor meanSquare = g.meanLastAxis(g.square(x));
    Tensor eps = g.constant(gammaName + ".eps", new int[] {1}, new float[] {spec.rmsNormEps()});
    Tensor normed = g.mul(x, g.rsqrt(g.add(meanSquare, eps)));
    return g.mul(normed, weight(gammaName));
  }

  private Tensor attention(int l, Tensor h, Rotary rope, Tensor mask) {
    int batch = h.dim(0);
    int heads = spec.heads();
    int groups = spec.kvHeads();
    int hd = spec.headDim();
    int repeats = heads / groups;
    boolean bias = spec.attentionBias();
    Tensor q = g.fullyConnected(h, rotaryRows(TensorNames.attnQ(l), heads),
        bias ? rotaryBias(TensorNames.attnQBias(l), heads) : null);
    Tensor k = g.fullyConnected(h, rotaryRows(TensorNames.attnK(l), groups),
        bias ? rotaryBias(TensorNames.attnKBias(l), groups) : null);
    Tensor v = g.fullyConnected(h, weight(TensorNames.attnV(l)), bias ? weight(TensorNames.attnVBias(l)) : null);
    q = rope.apply(g, g.reshape(q, batch, positions, heads, hd));
    k = rope.apply(g, g.reshape(k, batch, positions, groups, hd));
    Tensor scale = g.constant("blk." + l + ".attn_scale", new int[] {1}, new float[] {(float) (1 / Math.sqrt(hd))});
    q = g.mul(q, scale);
    // [batch, heads, T, hd] with head h = group·repeats + j, viewed as [batch·groups, repeats·T, hd]
    Tensor qg = g.reshape(g.transpose(q, 0, 2, 1, 3), batch * groups, repeats * positions, hd);
    Tensor kg = g.reshape(g.transpose(k, 0, 2, 1, 3), batch * groups, positions, hd);
    Tensor vg = g.reshape(g.transpose(g.reshape(v, batch, positions, groups, hd), 0, 2, 1, 3),
        batch * groups, positions, hd);
    Tensor scores = g.reshape(g.batchMatMul(qg, kg, true), batch * heads, positions, positions);
    Tensor probs = g.reshape(g.softmax(g.add(scores, mask)), batch * groups, repeats * positions, positions);
    Tensor ctx = g.reshape(g.batchMatMul(probs, vg, false), batch, heads, positions, hd);
    Tensor merged = g.reshape(g.transpose(ctx, 0, 2, 1, 3), batch, positions, heads * hd);
    return g.fullyConnected(merged, weight(TensorNames.attnOutput(l)), null);
  }

  // ---- constants -----------------------------------------------------------------------------------------------------

  private Tensor weight(String name) {
    org.mobiedit.spi.Tensor t = weights.find(name).orElseThrow(() -> new MobiEditException(
        MobiEditException.Reason.MODEL_INCONSISTENT, "The model has no tensor " + name + "."));
    return g.constant(name, shape(t), t.readAll());
  }

  private static int[] shape(org.mobiedit.spi.Tensor t) {
    long[] s = t.shape();
    int[] out = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = Math.toIntExact(s[i]);
    }
    return out;
  }

  /** A query/key weight with its rows in rotate-half order within each head. */
  private Tensor rotaryRows(String name, int heads) {
    org.mobiedit.spi.Tensor t = weights.find(name).orElseThrow();
    float[] w = t.readAll();
    int cols = Math.toIntExact(t.shape()[1]);
    return g.constant(name, shape(t), toRotateHalf(w, heads, cols));
  }

  private @Nullable Tensor rotaryBias(String name, int heads) {
    org.mobiedit.spi.Tensor t = weights.find(name).orElseThrow();
    return g.constant(name, shape(t), toRotateHalf(t.readAll(), heads, 1));
  }

  private float[] toRotateHalf(float[] rows, int heads, int cols) {
    if (spec.ropeLayout() != RopeLayout.INTERLEAVED) {
      return rows;
    }
    int hd = spec.headDim();
    int half = hd / 2;
    float[] out = new float[rows.length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < half; i++) {
        System.arraycopy(rows, (h * hd + 2 * i) * cols, out, (h * hd + i) * cols, cols);
        System.arraycopy(rows, (h * hd + 2 * i + 1) * cols, out, (h * hd + half + i) * cols, cols);
      }
    }
    return out;
  }

  private Tensor causalMask() {
    float[] m = new float[positions * positions];
    for (int i = 0; i < positions; i++) {
      for (int j = i + 1; j < positions; j++) {
        m[i * positions + j] = MASKED;
      }
    }
    return g.constant("causal_mask", new int[] {1, positions, positions}, m);
  }

  private Rotary rotaryTables() {
    int half = spec.headDim() / 2;
    double[] inv = spec.ropeInverseFrequencies();
    float[] cos = new float[positions * half];
    float[] sin = new float[positions * half];
    for (int p = 0; p < positions; p++) {
      for (int i = 0; i < half; i++) {
        double a = p * inv[i];
        cos[p * half + i] = (float) Math.cos(a);
        sin[p * half + i] = (float) Math.sin(a);
      }
    }
    int[] shape = {1, positions, 1, half};
    return new Rotary(g.constant("rope_cos", shape, cos), g.constant("rope_sin", shape, sin), half);
  }

  /** Rotate-half rotary embedding of {@code [B, T, N, hd]} with per-position tables {@code [1, T, 1, half]}. */
  private record Rotary(Tensor cos, Tensor sin, int half) {
    Tensor apply(TfliteGraph g, Tensor x) {
      int b = x.dim(0);
      int t = x.dim(1);
      int n = x.dim(2);
      Tensor x1 = g.slice(x, new int[] {0, 0, 0, 0}, new int[] {b, t, n, half});
      Tensor x2 = g.slice(x, new int[] {0, 0, 0, half}, new int[] {b, t, n, half});
      Tensor r1 = g.sub(g.mul(x1, cos), g.mul(x2, sin));
      Tensor r2 = g.add(g.mul(x1, sin), g.mul(x2, cos));
      return g.concat(-1, r1, r2);
    }
  }
}
