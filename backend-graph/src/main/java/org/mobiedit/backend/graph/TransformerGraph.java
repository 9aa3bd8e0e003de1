package org.mobiedit.backend.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.Graph.Tensor;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.TensorNames;
import org.mobiedit.spi.numerics.ActivationPoint;
import org.mobiedit.spi.numerics.ActivationScales;
import org.mobiedit.spi.numerics.RotaryTables;
import org.mobiedit.spi.numerics.SymmetricGrid;
import org.mobiedit.spi.numerics.WeightQuantizer;

/**
 * A Llama or Qwen2 model as a {@link Graph}, which backend-litert writes as TFLite and backend-qnn as ONNX, for one row
 * of {@code positions} tokens (a shape bucket: shorter rows are padded at the end, which causal attention keeps out of
 * every earlier position). One builder writes every graph the SPI needs, chosen by {@link Variant}, and every kind runs
 * its layers through the same decoder-layer and attention builders:
 * <ul>
 *   <li>{@link Kind#FORWARD}: inputs {@code tokens} int32 {@code [T]}, {@code logit_positions} int32 {@code [K]};
 *       output logits {@code [1, K, vocab]};
 *   <li>{@link Kind#CAPTURE} at layer L: no logits; outputs the MLP key {@code [1, T, intermediate]} and the MLP output
 *       {@code [1, T, hidden]} of layer L, and the graph stops there;
 *   <li>{@link Kind#PREFIX} at layer L: the whole row with nothing injected; outputs the residual after layer L and
 *       the rotated keys and the values of every later layer;
 *   <li>{@link Kind#RESUME} after layer L: the later layers only, on the suffix positions from a cached residual, with
 *       {@code B} deltas added at the first suffix position and the cached keys and values in front of the suffix's
 *       own (see {@link #buildResume()}); output logits {@code [B, K, vocab]};
 *   <li>{@link Kind#CALIBRATE}: the forward pass in float, whose outputs are the activations at every
 *       {@link ActivationPoint} (then the LM head's input), for static activation scales.
 * </ul>
 * An injection is a prefix and a resume (see {@code LitertModel}); no graph injects by itself.
 *
 * <p>Rank-one updates of {@code W_down} are inputs, not constants: for a layer with {@code R} terms, {@code right}
 * {@code [R, intermediate]} and {@code left_t} {@code [hidden, R]} add {@code left·(right·key)} to the MLP output, so
 * an update never rewrites the weights (zero terms pad {@code R} to a bucket and add exactly nothing).
 *
 * <p>Weights are float32 constants read from the loaded model, or int8 ones quantized by {@link WeightQuantizer}; the
 * rotary tables ({@link RotaryTables}) and the causal mask are constants of the bucket, except in a resume graph,
 * whose positions are inputs.
 *
 * <p>Layout choices: attention runs as batched matrix products over key/value groups ({@code [batch, groups,
 * repeats × positions, headDim]} against {@code [batch, groups, positions, headDim]}), so grouped-query attention needs
 * no copies of keys. Interleaved rotary weights (GGUF Llama) are reordered to rotate-half when written: the same
 * permutation of query and key rows within a head leaves every attention score unchanged.
 */
public final class TransformerGraph {
  /** Added to scores a query must not see; exp() of it is exactly 0 in float32. */
  public static final float MASKED = -1e9f;

  /** The graphs this builder writes. */
  public enum Kind { FORWARD, CAPTURE, PREFIX, RESUME, CALIBRATE, DECODE }

  /**
   * What a graph computes.
   *
   * @param positions T, the row bucket (for RESUME: S, the suffix bucket)
   * @param prefixPositions P, the cached prefix bucket (RESUME only, else 0)
   * @param logitRows K, logit positions wanted (FORWARD, RESUME; else 0)
   * @param directions B, deltas injected at once (RESUME; else 1)
   * @param layer the capture, prefix or resume layer L (-1 for FORWARD and CALIBRATE)
   * @param rankTerms per layer, the number of rank-one term slots (0 for none)
   */
  public record Variant(Kind kind, int positions, int prefixPositions, int logitRows, int directions, int layer,
      int[] rankTerms) {
    public static Variant forward(int positions, int logitRows, int[] rankTerms) {
      return new Variant(Kind.FORWARD, positions, 0, logitRows, 1, -1, rankTerms);
    }

    public static Variant capture(int positions, int layer, int[] rankTerms) {
      return new Variant(Kind.CAPTURE, positions, 0, 0, 1, layer, rankTerms);
    }

    /** Outputs the residual after layer L and the keys/values of every later layer, for all T positions. */
    public static Variant prefix(int positions, int layer, int[] rankTerms) {
      return new Variant(Kind.PREFIX, positions, 0, 0, 1, layer, rankTerms);
    }

    /**
     * The plain forward without logits, whose outputs are the float activations at every quantization point
     * ({@link ActivationPoint} order, then the LM head's input), for calibrating static scales.
     */
    public static Variant calibrate(int positions, int[] rankTerms) {
      return new Variant(Kind.CALIBRATE, positions, 0, 0, 1, -1, rankTerms);
    }

    /** Layers after L on S suffix positions, from a cached residual and P cached keys/values per layer. */
    public static Variant resume(int suffix, int prefix, int logitRows, int directions, int layer, int[] rankTerms) {
      return new Variant(Kind.RESUME, suffix, prefix, logitRows, directions, layer, rankTerms);
    }

    /**
     * Every layer on S new tokens of a sequence, reading the P cached keys/values of its earlier positions: the
     * logits after one of the new tokens, and the new tokens' keys and values for the cache.
     */
    public static Variant decode(int tokens, int cached, int[] rankTerms) {
      return new Variant(Kind.DECODE, tokens, cached, 1, 1, -1, rankTerms);
    }

    /** The rank-term slots of the layers this graph runs (the others take no inputs). */
    boolean runsLayer(int l) {
      return switch (kind) {
        case FORWARD, CALIBRATE, DECODE -> true;
        case CAPTURE -> l <= layer;
        case PREFIX -> true;
        case RESUME -> l > layer;
      };
    }

    /** A name that holds everything the graph depends on besides the weights (for caches). */
    public String key() {
      StringBuilder b = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT));
      if (layer >= 0) {
        b.append(layer);
      }
      b.append("-T").append(positions);
      if (kind == Kind.RESUME || kind == Kind.DECODE) {
        b.append("-P").append(prefixPositions);
      }
      if (kind == Kind.FORWARD || kind == Kind.RESUME) {
        b.append("-K").append(logitRows).append("-B").append(directions);
      }
      for (int l = 0; l < rankTerms.length; l++) {
        if (rankTerms[l] > 0 && runsLayer(l)) {
          b.append("-r").append(l).append('x').append(rankTerms[l]);
        }
      }
      return b.toString();
    }
  }

  /** How a graph holds its matrices (embedding, projections, MLP, LM head); norms and biases are always float32. */
  public enum WeightForm {
    /** float32 constants ({@link Precision#FP32}). */
    FLOAT32,
    /**
     * int8 constants with one scale per output row, quantized as backend-cpu quantizes them and dequantized to
     * float32 in the graph: int8 weights, float activations ({@link Precision#INT8} and the static-activation
     * precisions).
     */
    INT8,
    /**
     * The same int8 constants fed to the fully connected operators as they are, which the runtimes read as
     * dynamically quantized products (each input token rounded to its own int8 grid, integer sums: XNNPACK under
     * TFLite, MLAS under ONNX Runtime): {@link Precision#INT8_DYNAMIC}. The graph holds no float copy of a matrix.
     */
    INT8_IN_PRODUCTS;

    /** The form a precision's graphs use. */
    public static WeightForm of(Precision precision) {
      if (precision.quantizesActivationsDynamically()) {
        return INT8_IN_PRODUCTS;
      }
      return precision.quantizesWeights() ? INT8 : FLOAT32;
    }
  }

  private final ModelSpec spec;
  private final ModelWeights weights;
  private final Graph g = new Graph();
  /** Weights written once per graph, however often they are used (tied embeddings). */
  private final Map<String, Tensor> constants = new HashMap<>();
  private final Variant v;
  private final int positions;
  private final WeightForm form;
  /** In the int8 forms: each matrix as stored (int8, its row scales with it), by name. */
  private final Map<String, Tensor> int8Matrices = new HashMap<>();
  private final @Nullable ActivationScales activations;
  /** In a calibration graph: the float tensor seen at each quantization point, by point index. */
  private final Map<Integer, Tensor> observed = new java.util.TreeMap<>();

  private TransformerGraph(ModelWeights weights, Variant v, WeightForm form,
      @Nullable ActivationScales activations) {
    this.spec = weights.spec();
    this.weights = weights;
    this.v = v;
    this.positions = v.positions();
    this.form = form;
    this.activations = activations;
  }

  /**
   * A quantization point ({@code p} null: the LM head's input): recorded in a calibration graph, rounded when scales
   * are given, else unchanged.
   */
  private Tensor point(int layer, @Nullable ActivationPoint p, Tensor x) {
    int index = p == null ? ActivationPoint.lmHeadIndex(spec.layers()) : p.index(layer);
    if (v.kind() == Kind.CALIBRATE) {
      observed.put(index, x);
      return x;
    }
    if (activations == null) {
      return x;
    }
    SymmetricGrid grid = activations.grid();
    TensorType type = grid == SymmetricGrid.INT8 ? TensorType.INT8 : TensorType.INT16;
    float scale = activations.get(index);
    // a symmetric grid (±levels), as backend-cpu and symmetric NPU quantization use: a runtime's quantize would
    // saturate negative values one step further (-128 in int8)
    Tensor floor = g.constant("floor_" + index, new int[] {1}, new float[] {-grid.levels() * scale});
    return g.dequantize(g.quantize(g.maximum(x, floor), scale, type));
  }

  /** Checks that the writer can express this model, with a message naming what it cannot. */
  public static void checkSupported(ModelSpec spec) {
    if (spec.architecture() != Architecture.LLAMA && spec.architecture() != Architecture.QWEN2) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          "The graph backends (litert, qnn) write graphs for Llama and Qwen2 models, not " + spec.architecture()
              + ": run this model on backend-cpu (MOBIEDIT_BACKEND=cpu).");
    }
    if (spec.headDim() % 2 != 0) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_UNSUPPORTED,
          "The graph backends (litert, qnn) need an even head size for rotary embeddings, not " + spec.headDim()
              + ": run this model on backend-cpu (MOBIEDIT_BACKEND=cpu).");
    }
  }

  /**
   * Builds the graph of a variant. Input order: {@code tokens}, then {@code logit_positions} (FORWARD only), then the
   * rank-one inputs by layer ({@code right}, {@code left_t}); a resume graph's inputs are listed at
   * {@link #buildResume()}.
   */
  public static Graph build(ModelWeights weights, Variant variant) {
    return build(weights, variant, false);
  }

  /**
   * As {@link #build(ModelWeights, Variant)}; with {@code int8Weights} every matrix (embedding, projections, MLP,
   * output) is stored as int8 with one scale per output row, exactly as backend-cpu quantizes it, and dequantized to
   * float32 in the graph (int8 weights, float activations). Norms and biases stay float32.
   */
  public static Graph build(ModelWeights weights, Variant variant, boolean int8Weights) {
    return build(weights, variant, int8Weights ? WeightForm.INT8 : WeightForm.FLOAT32, null);
  }

  /** As above, with static activation quantization at every {@link ActivationPoint} (null: float activations). */
  public static Graph build(ModelWeights weights, Variant variant, boolean int8Weights,
      @Nullable ActivationScales activations) {
    return build(weights, variant, int8Weights ? WeightForm.INT8 : WeightForm.FLOAT32, activations);
  }

  /** The graph of {@code variant} with its matrices in {@code form}, and static activation scales or null. */
  public static Graph build(ModelWeights weights, Variant variant, WeightForm form,
      @Nullable ActivationScales activations) {
    checkSupported(weights.spec());
    TransformerGraph t = new TransformerGraph(weights, variant, form, activations);
    t.build();
    return t.g;
  }

  private void build() {
    if (v.kind() == Kind.RESUME) {
      buildResume();
      return;
    }
    if (v.kind() == Kind.DECODE) {
      buildDecode();
      return;
    }
    int d = spec.hiddenSize();
    boolean capture = v.kind() == Kind.CAPTURE;
    boolean prefix = v.kind() == Kind.PREFIX;
    Tensor tokens = g.input("tokens", TensorType.INT32, positions);
    Tensor logitPositions = capture || prefix ? null : g.input("logit_positions", TensorType.INT32, v.logitRows());
    Tensor[][] terms = termInputs();
    Tensor x = g.reshape(embed(tokens), 1, positions, d);
    Rotary rope = rotaryTables();
    Tensor mask = causalMask();
    int last = capture ? v.layer() : spec.layers() - 1;
    List<Tensor> prefixOutputs = new ArrayList<>();
    for (int l = 0; l <= last; l++) {
      Tensor[] kv = prefix && l > v.layer() ? new Tensor[2] : null;
      Layer out = layer(l, x, rope, mask, kv, null, terms[l]);
      if (kv != null) {
        prefixOutputs.add(kv[0]);
        prefixOutputs.add(kv[1]);
      }
      if (capture && l == last) {
        g.output(out.mlpKey());
        g.output(out.mlpOutput());
        return;
      }
      x = g.add(out.afterAttention(), out.mlpOutput());
      if (prefix && l == v.layer()) {
        g.output(x); // the residual after layer L: what an injection at L adds to
      }
    }
    if (prefix) {
      prefixOutputs.forEach(g::output);
      return;
    }
    if (v.kind() == Kind.CALIBRATE) {
      point(-1, null, rmsNorm(x, TensorNames.OUTPUT_NORM)); // the LM head's input at every position
      observed.values().forEach(g::output);
      return;
    }
    g.output(logits(x, logitPositions));
  }

  /**
   * The embeddings of {@code tokens}. With int8 matrices the lookup takes the int8 rows and multiplies each by its
   * scale ({@code scale · q}, one float product, as backend-cpu expands a row and as a dequantization computes it), so
   * a lookup never dequantizes the whole table and no float copy of it exists.
   */
  private Tensor embed(Tensor tokens) {
    if (form == WeightForm.FLOAT32) {
      return g.gather(weight(TensorNames.TOKEN_EMBEDDING), tokens);
    }
    Tensor rows = int8Matrix(TensorNames.TOKEN_EMBEDDING);
    Tensor scale = g.weight(TensorNames.TOKEN_EMBEDDING + ".row_scales", new int[] {rows.dim(0), 1},
        () -> g.tensors().get(rows.index()).scales());
    return g.mul(g.cast(g.gather(rows, tokens), TensorType.FLOAT32), g.gather(scale, tokens));
  }

  private Tensor logits(Tensor x, Tensor logitPositions) {
    Tensor picked = point(-1, null, g.gather(rmsNorm(x, TensorNames.OUTPUT_NORM), logitPositions, 1));
    Tensor out = spec.tiedEmbeddings() ? weight(TensorNames.TOKEN_EMBEDDING) : weight(TensorNames.OUTPUT);
    return g.fullyConnected(picked, out, null);
  }

  /** The rank-one inputs of the layers this graph runs: {right, left_t} per layer with slots, else null. */
  private Tensor[][] termInputs() {
    Tensor[][] terms = new Tensor[spec.layers()][];
    for (int l = 0; l < spec.layers(); l++) {
      int r = l < v.rankTerms().length ? v.rankTerms()[l] : 0;
      if (r > 0 && v.runsLayer(l)) {
        terms[l] = new Tensor[] {g.input("rank_right_" + l, TensorType.FLOAT32, r, spec.intermediateSize()),
            g.input("rank_left_t_" + l, TensorType.FLOAT32, spec.hiddenSize(), r)};
      }
    }
    return terms;
  }

  /**
   * One decoder layer: the residual after attention, and the MLP's key (the input of {@code W_down}) and output. The
   * residual after the layer is {@code afterAttention + mlpOutput}, left to the caller so that a capture graph can stop
   * before it.
   */
  private record Layer(Tensor afterAttention, Tensor mlpKey, Tensor mlpOutput) {}

  /**
   * Decoder layer l on the residual {@code x}: {@code x + attention(norm(x))}, and the MLP of that sum's norm.
   *
   * @param kvOut when not null, receives the layer's rotated keys and its values
   * @param cached when not null, the cached keys and values attention reads before this graph's own (a resume)
   */
  private Layer layer(int l, Tensor x, Rotary rope, Tensor mask, Tensor @Nullable [] kvOut,
      Tensor @Nullable [] cached, Tensor @Nullable [] terms) {
    Tensor h = point(l, ActivationPoint.ATTENTION_INPUT, rmsNorm(x, TensorNames.attnNorm(l)));
    Tensor afterAttention = g.add(x, attention(l, h, rope, mask, kvOut, cached));
    Tensor[] keyAndOut = mlp(l, point(l, ActivationPoint.MLP_INPUT, rmsNorm(afterAttention, TensorNames.ffnNorm(l))),
        terms);
    return new Layer(afterAttention, keyAndOut[0], keyAndOut[1]);
  }

  /** {key, output} of layer l's MLP: {@code W_down·SiLU(gate)·up} plus the layer's rank-one terms. */
  private Tensor[] mlp(int l, Tensor h, Tensor @Nullable [] terms) {
    Tensor gate = g.fullyConnected(h, weight(TensorNames.ffnGate(l)), null);
    Tensor up = g.fullyConnected(h, weight(TensorNames.ffnUp(l)), null);
    Tensor key = point(l, ActivationPoint.DOWN_INPUT, g.mul(g.mul(gate, g.logistic(gate)), up)); // the input of W_down
    Tensor out = g.fullyConnected(key, weight(TensorNames.ffnDown(l)), null);
    if (terms != null) {
      out = g.add(out, g.fullyConnected(g.fullyConnected(key, terms[0], null), terms[1], null));
    }
    return new Tensor[] {key, out};
  }

  private Tensor rmsNorm(Tensor x, String gammaName) {
    Tensor meanSquare = g.meanLastAxis(g.square(x));
    Tensor eps = g.constant(gammaName + ".eps", new int[] {1}, new float[] {spec.rmsNormEps()});
    Tensor normed = g.mul(x, g.rsqrt(g.add(meanSquare, eps)));
    return g.mul(normed, weight(gammaName));
  }

  /**
   * Layer l's attention of this graph's {@code T} positions ({@code h [B, T, hidden]}) over keys and values given in
   * parts: in a resume graph the {@code P} cached positions first, then always the graph's own {@code T}. Queries are
   * viewed per key/value group as {@code [B, groups, repeats·T, headDim]} and multiplied with each part's keys; the
   * scores of all parts share one softmax over {@code [P + T]} keys, with {@code mask} ({@code [1, T, P + T]}, 0 where
   * visible) added first; the context is the sum of each part's probabilities times its values. Cached parts have a
   * batch of 1, which the products broadcast over the {@code B} directions.
   *
   * @param kvOut when not null, receives the layer's rotated keys and its values, {@code [B, T, kvHeads, headDim]}
   * @param cached when not null, the cached keys and values, each {@code [P, kvHeads, headDim]}
   */
  private Tensor attention(int l, Tensor h, Rotary rope, Tensor mask, Tensor @Nullable [] kvOut,
      Tensor @Nullable [] cached) {
    int batch = h.dim(0);
    int heads = spec.heads();
    int groups = spec.kvHeads();
    int hd = spec.headDim();
    int repeats = heads / groups;
    Tensor[] qkv = projections(l, h, rope);
    if (kvOut != null) {
      kvOut[0] = qkv[1];
      kvOut[1] = qkv[2];
    }
    // [B, heads, T, hd] with head h = group·repeats + j, viewed as [B, groups, repeats·T, hd]
    Tensor q = g.reshape(g.transpose(qkv[0], 0, 2, 1, 3), batch, groups, repeats * positions, hd);
    Tensor ownKeys = g.transpose(qkv[1], 0, 2, 1, 3);
    Tensor ownValues = g.transpose(qkv[2], 0, 2, 1, 3);
    List<Tensor> keys = new ArrayList<>();
    List<Tensor> values = new ArrayList<>();
    if (cached != null) {
      keys.add(g.reshape(g.transpose(cached[0], 1, 0, 2), 1, groups, cached[0].dim(0), hd));
      values.add(g.reshape(g.transpose(cached[1], 1, 0, 2), 1, groups, cached[1].dim(0), hd));
    }
    keys.add(ownKeys);
    values.add(ownValues);
    Tensor[] parts = new Tensor[keys.size()];
    int total = 0;
    for (int i = 0; i < parts.length; i++) {
      parts[i] = g.batchMatMul(q, keys.get(i), true);
      total += keys.get(i).dim(2);
    }
    Tensor scores = parts.length == 1 ? parts[0] : g.concat(-1, parts);
    Tensor probs = g.reshape(g.softmax(g.add(g.reshape(scores, batch * heads, positions, total), mask)), batch,
        groups, repeats * positions, total);
    Tensor ctx = null;
    int from = 0;
    for (int i = 0; i < parts.length; i++) {
      int size = keys.get(i).dim(2);
      Tensor p = parts.length == 1 ? probs : g.slice(probs, new int[] {0, 0, 0, from},
          new int[] {batch, groups, repeats * positions, size});
      Tensor c = g.batchMatMul(p, values.get(i), false);
      ctx = ctx == null ? c : g.add(ctx, c);
      from += size;
    }
    Tensor merged = point(l, ActivationPoint.ATTENTION_OUTPUT,
        g.reshape(g.transpose(g.reshape(ctx, batch, heads, positions, hd), 0, 2, 1, 3), batch, positions, heads * hd));
    return g.fullyConnected(merged, weight(TensorNames.attnOutput(l)), null);
  }

  /**
   * The resume graph: layers after L on S suffix positions. Inputs, in order: {@code suffix_residual [S, hidden]}
   * (the residual after layer L from the injection position on), {@code logit_positions [K]} (suffix-relative),
   * {@code delta [B, hidden]} (added at suffix position 0), {@code rope_cos}/{@code rope_sin} {@code [S, headDim/2]}
   * (for the absolute positions), {@code mask [S, P + S]} (0 where visible), then per layer after L
   * {@code prefix_k}/{@code prefix_v} {@code [P, kvHeads, headDim]}, then the rank-one inputs of those layers.
   */
  private void buildResume() {
    int d = spec.hiddenSize();
    int half = spec.headDim() / 2;
    int s = positions;
    int p = v.prefixPositions();
    int b = v.directions();
    Tensor suffix = g.input("suffix_residual", TensorType.FLOAT32, s, d);
    Tensor logitPositions = g.input("logit_positions", TensorType.INT32, v.logitRows());
    Tensor delta = g.input("delta", TensorType.FLOAT32, b, d);
    Tensor cos = g.input("rope_cos", TensorType.FLOAT32, s, half);
    Tensor sin = g.input("rope_sin", TensorType.FLOAT32, s, half);
    Tensor mask = g.input("mask", TensorType.FLOAT32, s, p + s);
    Tensor[][] prefixKv = new Tensor[spec.layers()][];
    for (int l = v.layer() + 1; l < spec.layers(); l++) {
      prefixKv[l] = new Tensor[] {
          g.input("prefix_k_" + l, TensorType.FLOAT32, p, spec.kvHeads(), spec.headDim()),
          g.input("prefix_v_" + l, TensorType.FLOAT32, p, spec.kvHeads(), spec.headDim())};
    }
    Tensor[][] terms = termInputs();
    float[] first = new float[s];
    first[0] = 1;
    Tensor atFirst = g.constant("suffix_first", new int[] {1, s, 1}, first);
    Tensor x = g.add(g.reshape(suffix, 1, s, d), g.mul(g.reshape(delta, b, 1, d), atFirst));
    Rotary rope = new Rotary(g.reshape(cos, 1, s, 1, half), g.reshape(sin, 1, s, 1, half), half);
    Tensor mask3 = g.reshape(mask, 1, s, p + s);
    for (int l = v.layer() + 1; l < spec.layers(); l++) {
      Layer out = layer(l, x, rope, mask3, null, prefixKv[l], terms[l]);
      x = g.add(out.afterAttention(), out.mlpOutput());
    }
    g.output(logits(x, logitPositions));
  }

  /**
   * The decode graph: every layer on S new tokens after P cached positions. Inputs, in order: {@code tokens [S]},
   * {@code logit_positions [1]} (which new token's logits), {@code rope_cos}/{@code rope_sin} {@code [S, headDim/2]}
   * (for the absolute positions), {@code mask [S, P + S]} (0 where visible), then per layer {@code cache_k}/
   * {@code cache_v} {@code [P, kvHeads, headDim]}, then the rank-one inputs. Outputs: the logits {@code [1, 1,
   * vocab]}, then per layer the new tokens' rotated keys and values {@code [1, S, kvHeads, headDim]}.
   */
  private void buildDecode() {
    int d = spec.hiddenSize();
    int half = spec.headDim() / 2;
    int s = positions;
    int p = v.prefixPositions();
    Tensor tokens = g.input("tokens", TensorType.INT32, s);
    Tensor logitPositions = g.input("logit_positions", TensorType.INT32, 1);
    Tensor cos = g.input("rope_cos", TensorType.FLOAT32, s, half);
    Tensor sin = g.input("rope_sin", TensorType.FLOAT32, s, half);
    Tensor mask = g.input("mask", TensorType.FLOAT32, s, p + s);
    Tensor[][] cache = new Tensor[spec.layers()][];
    for (int l = 0; l < spec.layers(); l++) {
      cache[l] = new Tensor[] {
          g.input("cache_k_" + l, TensorType.FLOAT32, p, spec.kvHeads(), spec.headDim()),
          g.input("cache_v_" + l, TensorType.FLOAT32, p, spec.kvHeads(), spec.headDim())};
    }
    Tensor[][] terms = termInputs();
    Tensor x = g.reshape(embed(tokens), 1, s, d);
    Rotary rope = new Rotary(g.reshape(cos, 1, s, 1, half), g.reshape(sin, 1, s, 1, half), half);
    Tensor mask3 = g.reshape(mask, 1, s, p + s);
    List<Tensor> newKv = new ArrayList<>();
    for (int l = 0; l < spec.layers(); l++) {
      Tensor[] kv = new Tensor[2];
      Layer out = layer(l, x, rope, mask3, kv, cache[l], terms[l]);
      newKv.add(kv[0]);
      newKv.add(kv[1]);
      x = g.add(out.afterAttention(), out.mlpOutput());
    }
    g.output(logits(x, logitPositions));
    newKv.forEach(g::output);
  }

  /**
   * Layer l's queries (rotated and scaled by 1/√headDim, {@code [B, T, heads, hd]}), keys (rotated,
   * {@code [B, T, kvHeads, hd]}) and values ({@code [B, T, kvHeads, hd]}) of {@code h [B, T, hidden]}.
   */
  private Tensor[] projections(int l, Tensor h, Rotary rope) {
    int batch = h.dim(0);
    int t = h.dim(1);
    int heads = spec.heads();
    int groups = spec.kvHeads();
    int hd = spec.headDim();
    boolean bias = spec.attentionBias();
    Tensor q = g.fullyConnected(h, rotaryRows(TensorNames.attnQ(l)),
        bias ? rotaryBias(TensorNames.attnQBias(l)) : null);
    Tensor k = g.fullyConnected(h, rotaryRows(TensorNames.attnK(l)),
        bias ? rotaryBias(TensorNames.attnKBias(l)) : null);
    Tensor v = g.fullyConnected(h, weight(TensorNames.attnV(l)), bias ? weight(TensorNames.attnVBias(l)) : null);
    q = point(l, ActivationPoint.QUERY, rope.apply(g, g.reshape(q, batch, t, heads, hd)));
    k = point(l, ActivationPoint.KEY, rope.apply(g, g.reshape(k, batch, t, groups, hd)));
    v = point(l, ActivationPoint.VALUE, v);
    Tensor scale = g.constant("blk." + l + ".attn_scale", new int[] {1}, new float[] {(float) (1 / Math.sqrt(hd))});
    return new Tensor[] {g.mul(q, scale), k, g.reshape(v, batch, t, groups, hd)};
  }

  // ---- constants -----------------------------------------------------------------------------------------------------

  private Tensor weight(String name) {
    Tensor known = constants.get(name);
    if (known != null) {
      return known;
    }
    org.mobiedit.spi.Tensor t = weights.find(name).orElseThrow(() -> new MobiEditException(
        MobiEditException.Reason.MODEL_INCONSISTENT, "The model has no tensor " + name + "."));
    int[] shape = shape(t);
    Tensor c = shape.length == 2 ? matrix(name, shape, (r, dst) -> t.read((long) r * shape[1], dst, 0, shape[1]))
        : g.weight(name, shape, t::readAll);
    constants.put(name, c);
    return c;
  }

  /**
   * A model matrix read row by row (never whole on the heap): float32 (produced when the graph is written), or in an
   * int8 form the int8 matrix ({@link #int8Matrix}), dequantized in the graph or left for the products.
   */
  private Tensor matrix(String name, int[] shape, ConstantData.RowReader rows) {
    if (form == WeightForm.FLOAT32) {
      return g.weightRows(name, shape, rows);
    }
    Tensor stored = int8Matrix(name, shape, rows);
    return form == WeightForm.INT8 ? g.dequantize(stored) : stored;
  }

  /** The int8 form of the model's matrix {@code name}, as stored (no dequantization). */
  private Tensor int8Matrix(String name) {
    Tensor known = int8Matrices.get(name);
    if (known != null) {
      return known;
    }
    org.mobiedit.spi.Tensor t = weights.find(name).orElseThrow(() -> new MobiEditException(
        MobiEditException.Reason.MODEL_INCONSISTENT, "The model has no tensor " + name + "."));
    int[] shape = shape(t);
    return int8Matrix(name, shape, (r, dst) -> t.read((long) r * shape[1], dst, 0, shape[1]));
  }

  /**
   * The int8 matrix {@code name} (once per graph), quantized row by row by {@link WeightQuantizer} only when a writer
   * needs its values or scales ({@link Graph#weightInt8(String, int[], ConstantData.RowReader)}).
   */
  private Tensor int8Matrix(String name, int[] shape, ConstantData.RowReader rows) {
    Tensor known = int8Matrices.get(name);
    if (known != null) {
      return known;
    }
    Tensor stored = g.weightInt8(name, shape, rows);
    int8Matrices.put(name, stored);
    return stored;
  }

  private static int[] shape(org.mobiedit.spi.Tensor t) {
    long[] s = t.shape();
    int[] out = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = Math.toIntExact(s[i]);
    }
    return out;
  }

  /** A query/key weight with its rows in rotate-half order within each head (read row by row, permuted). */
  private Tensor rotaryRows(String name) {
    Tensor known = constants.get(name);
    if (known != null) {
      return known;
    }
    org.mobiedit.spi.Tensor t = weights.find(name).get();
    int[] shape = shape(t);
    int cols = shape[1];
    Tensor c = matrix(name, shape, (r, dst) -> t.read((long) rotateHalfSource(r) * cols, dst, 0, cols));
    constants.put(name, c);
    return c;
  }

  /**
   * The row of the stored weight that goes to row {@code r} in rotate-half order: GGUF's interleaved layout keeps a
   * head's rotary pairs adjacent ({@code 2i, 2i+1}), rotate-half keeps the first of each pair in the head's first half
   * and the second in its second half. Identity for rotate-half models.
   */
  private int rotateHalfSource(int r) {
    if (spec.ropeLayout() != RopeLayout.INTERLEAVED) {
      return r;
    }
    int hd = spec.headDim();
    int half = hd / 2;
    int head = r / hd;
    int j = r % hd;
    return head * hd + (j < half ? 2 * j : 2 * (j - half) + 1);
  }

  /** A query/key bias in rotate-half order (one value per row of its weight). */
  private Tensor rotaryBias(String name) {
    org.mobiedit.spi.Tensor t = weights.find(name).get();
    return g.weight(name, shape(t), () -> {
      float[] stored = t.readAll();
      float[] out = new float[stored.length];
      for (int r = 0; r < out.length; r++) {
        out[r] = stored[rotateHalfSource(r)];
      }
      return out;
    });
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
    float[][] t = RotaryTables.of(spec).table(0, positions);
    int[] shape = {1, positions, 1, half};
    return new Rotary(g.constant("rope_cos", shape, t[0]), g.constant("rope_sin", shape, t[1]), half);
  }

  /** Rotate-half rotary embedding of {@code [B, T, N, hd]} with per-position tables {@code [1, T, 1, half]}. */
  private record Rotary(Tensor cos, Tensor sin, int half) {
    Tensor apply(Graph g, Tensor x) {
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
