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
 * The plain forward of a Llama or Qwen2 model as a TFLite graph, for one row of {@code positions} tokens (a shape
 * bucket: shorter rows are padded at the end, which causal attention keeps out of every earlier position) and
 * {@code logitRows} positions whose logits are wanted.
 *
 * <p>Inputs: {@code tokens} int32 {@code [positions]}, {@code logit_positions} int32 {@code [logitRows]}. Output:
 * {@code logits} float32 {@code [logitRows, vocab]}. Weights are float32 constants read from the loaded model; the
 * rotary tables and the causal mask are constants of the bucket.
 *
 * <p>Layout choices: attention runs as batched matrix products over key/value groups ({@code [groups, repeats ×
 * positions, headDim]} against {@code [groups, positions, headDim]}), so grouped-query attention needs no copies of
 * keys. Interleaved rotary weights (GGUF Llama) are reordered to rotate-half when written: the same permutation of
 * query and key rows within a head leaves every attention score unchanged.
 */
public final class ForwardGraph {
  /** Added to scores a query must not see; exp() of it is exactly 0 in float32. */
  private static final float MASKED = -1e9f;

  private final ModelSpec spec;
  private final ModelWeights weights;
  private final TfliteGraph g = new TfliteGraph();
  private final int positions;

  private ForwardGraph(ModelWeights weights, int positions) {
    this.spec = weights.spec();
    this.weights = weights;
    this.positions = positions;
  }

  /** Builds the graph; {@code positions} is at most the model's context. */
  public static TfliteGraph build(ModelWeights weights, int positions, int logitRows) {
    ModelSpec spec = weights.spec();
    if (spec.architecture() != Architecture.LLAMA && spec.architecture() != Architecture.QWEN2) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          "The LiteRT backend writes graphs for Llama and Qwen2 models, not " + spec.architecture() + ".");
    }
    if (spec.headDim() % 2 != 0) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          "The LiteRT backend needs an even head size for rotary embeddings, not " + spec.headDim() + ".");
    }
    ForwardGraph f = new ForwardGraph(weights, positions);
    f.forward(logitRows);
    return f.g;
  }

  private void forward(int logitRows) {
    int d = spec.hiddenSize();
    Tensor tokens = g.input("tokens", TensorType.INT32, positions);
    Tensor logitPositions = g.input("logit_positions", TensorType.INT32, logitRows);
    Tensor embedding = weight(TensorNames.TOKEN_EMBEDDING);
    Tensor x = g.gather(embedding, tokens);
    Rotary rope = rotaryTables();
    Tensor mask = causalMask();
    for (int l = 0; l < spec.layers(); l++) {
      x = g.add(x, attention(l, rmsNorm(x, TensorNames.attnNorm(l)), rope, mask));
      x = g.add(x, mlp(l, rmsNorm(x, TensorNames.ffnNorm(l))));
    }
    Tensor picked = g.gather(rmsNorm(x, TensorNames.OUTPUT_NORM), logitPositions);
    Tensor out = spec.tiedEmbeddings() ? embedding : weight(TensorNames.OUTPUT);
    Tensor logits = g.fullyConnected(picked, out, null);
    g.output(logits);
    assert logits.dim(1) == spec.vocabSize() && picked.dim(1) == d;
  }

  private Tensor rmsNorm(Tensor x, String gammaName) {
    Tensor meanSquare = g.meanLastAxis(g.square(x));
    Tensor eps = g.constant(gammaName + ".eps", new int[] {1}, new float[] {spec.rmsNormEps()});
    Tensor normed = g.mul(x, g.rsqrt(g.add(meanSquare, eps)));
    return g.mul(normed, weight(gammaName));
  }

  private Tensor attention(int l, Tensor h, Rotary rope, Tensor mask) {
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
    q = rope.apply(g, g.reshape(q, positions, heads, hd));
    k = rope.apply(g, g.reshape(k, positions, groups, hd));
    Tensor scale = g.constant("blk." + l + ".attn_scale", new int[] {1}, new float[] {(float) (1 / Math.sqrt(hd))});
    q = g.mul(q, scale);
    // [heads, T, hd] with head h = group·repeats + j, viewed as [groups, repeats·T, hd]
    Tensor qg = g.reshape(g.transpose(q, 1, 0, 2), groups, repeats * positions, hd);
    Tensor kg = g.transpose(k, 1, 0, 2);
    Tensor vg = g.transpose(g.reshape(v, positions, groups, hd), 1, 0, 2);
    Tensor scores = g.reshape(g.batchMatMul(qg, kg, true), heads, positions, positions);
    Tensor probs = g.reshape(g.softmax(g.add(scores, mask)), groups, repeats * positions, positions);
    Tensor ctx = g.reshape(g.batchMatMul(probs, vg, false), heads, positions, hd);
    Tensor merged = g.reshape(g.transpose(ctx, 1, 0, 2), positions, heads * hd);
    return g.fullyConnected(merged, weight(TensorNames.attnOutput(l)), null);
  }

  private Tensor mlp(int l, Tensor h) {
    Tensor gate = g.fullyConnected(h, weight(TensorNames.ffnGate(l)), null);
    Tensor up = g.fullyConnected(h, weight(TensorNames.ffnUp(l)), null);
    Tensor key = g.mul(g.mul(gate, g.logistic(gate)), up); // SiLU(gate)·up: the input of W_down
    return g.fullyConnected(key, weight(TensorNames.ffnDown(l)), null);
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
    int[] shape = {positions, 1, half};
    return new Rotary(g.constant("rope_cos", shape, cos), g.constant("rope_sin", shape, sin), half);
  }

  /** Rotate-half rotary embedding with per-position tables {@code [T, 1, half]}. */
  private record Rotary(Tensor cos, Tensor sin, int half) {
    Tensor apply(TfliteGraph g, Tensor x) {
      int t = x.dim(0);
      int n = x.dim(1);
      Tensor x1 = g.slice(x, new int[] {0, 0, 0}, new int[] {t, n, half});
      Tensor x2 = g.slice(x, new int[] {0, 0, half}, new int[] {t, n, half});
      Tensor r1 = g.sub(g.mul(x1, cos), g.mul(x2, sin));
      Tensor r2 = g.add(g.mul(x1, sin), g.mul(x2, cos));
      return g.concat(-1, r1, r2);
    }
  }
}
