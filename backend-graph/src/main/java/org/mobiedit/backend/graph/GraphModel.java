package org.mobiedit.backend.graph;

import static org.mobiedit.spi.BackendInputs.checkLayer;
import static org.mobiedit.spi.BackendInputs.checkTokens;
import static org.mobiedit.spi.BackendInputs.invalid;
import static org.mobiedit.spi.BackendInputs.sameLength;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.TransformerGraph.Variant;
import org.mobiedit.spi.BackendInputs;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.InferenceSequence;
import org.mobiedit.spi.LossRequest;
import org.mobiedit.spi.LossTerms;
import org.mobiedit.spi.MemoryUsage;
import org.mobiedit.spi.MlpCapture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.PrefixState;
import org.mobiedit.spi.numerics.ActivationPoint;
import org.mobiedit.spi.numerics.ActivationScales;
import org.mobiedit.spi.numerics.RotaryTables;
import org.mobiedit.spi.numerics.SymmetricGrid;

/**
 * A model on a graph backend (backend-litert, backend-qnn): the SPI carried out by compiled graphs, one per
 * {@link Variant} (shape buckets: positions, logit rows and directions rounded up to powers of two; the injection or
 * capture layer; the rank-one term slots), described by {@link TransformerGraph}, compiled by the backend's
 * {@link GraphCompiler}, and kept in a least-recently-used cache within a memory budget. Each graph runs one
 * invocation at a time; calls from several threads on different graphs run in parallel.
 *
 * <p>Rank-one updates are graph inputs ({@link RankOneTerms}), so applying or reverting one never rewrites weights.
 * The prefix cache keeps, per row, the residual after the injection layer and every later layer's keys and values
 * before the injection position; {@link #resume} runs only the later layers on the suffix positions.
 * {@link #injectForward} builds a prefix and resumes from it, so the two agree bit for bit (the kit compares both with
 * backend-cpu's numbers).
 */
public final class GraphModel implements BackendModel {
  /** Compiled graphs kept at most. */
  private static final int CACHED_GRAPHS = 12;
  /**
   * The memory the kept graphs may cost by default, in float32 copies of all weights (each graph's
   * {@link CompiledGraph#residentBytes()}). An edit's working set must fit, or graphs are compiled again at every step:
   * measured on backend-litert at the 0.5B shape in int8, a budget of 2 or 4 copies made a step 26–27 s instead of
   * 11 s. Eight copies hold the working set and still stop shape buckets from piling up. Apps that need less set the
   * backend's budget property and accept recompiles.
   */
  static final int DEFAULT_BUDGET_FLOAT_COPIES = 8;
  private static final int MIN_BUCKET = 8;

  private final ModelWeights weights;
  private final ModelSpec spec;
  private final RotaryTables rope;
  private final Precision precision;
  private final GraphCompiler compiler;
  private final RankOneTerms terms;
  private final Map<String, CompiledGraph> graphs = new LinkedHashMap<>(16, 0.75f, true);
  /** Estimated memory of the compiled graphs ({@link CompiledGraph#residentBytes()}; guarded by {@code graphs}). */
  private long graphBytes;
  /** Upper bound on {@link #graphBytes} ({@link #budget}). */
  private final long graphBudget;
  /** Static activation scales (int8-a8 / int8-a16 only); null until calibrated. Replaced as a whole. */
  private volatile @org.jspecify.annotations.Nullable ActivationScales activations;
  private volatile boolean closed;

  /**
   * @param compiler the backend's runtime; closed with this model
   * @param graphBudget the memory the kept graphs may cost ({@link #budget})
   * @throws MobiEditException {@code MODEL_UNSUPPORTED} for a model the graphs cannot express, naming what
   */
  public GraphModel(ModelWeights weights, Precision precision, GraphCompiler compiler, long graphBudget) {
    TransformerGraph.checkSupported(weights.spec()); // fails now, with a clear message, for what cannot be written
    this.weights = weights;
    this.precision = precision;
    this.spec = weights.spec();
    this.rope = RotaryTables.of(spec);
    this.compiler = compiler;
    this.terms = new RankOneTerms(spec.layers(), spec.hiddenSize(), spec.intermediateSize());
    this.graphBudget = graphBudget;
    if (compiler.keepsWeights()) {
      // the smallest forward graph names every weight: the compiler takes them all now, the files can go
      compiler.keepWeights(TransformerGraph.build(weights, Variant.forward(MIN_BUCKET, 1, new int[spec.layers()]),
          TransformerGraph.WeightForm.of(precision), null));
    }
  }

  /**
   * The graph budget: the system property {@code property} in MiB when set (a positive number), else
   * {@link #DEFAULT_BUDGET_FLOAT_COPIES} float32 copies of the weights plus 64 MiB.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} for a property that is not a positive number
   */
  public static long budget(ModelSpec spec, String property) {
    return budget(property, DEFAULT_BUDGET_FLOAT_COPIES * spec.parameterCount() * 4 + (64L << 20));
  }

  /**
   * The graph budget: the system property {@code property} in MiB when set (a positive number), else
   * {@code defaultBytes}.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} for a property that is not a positive number
   */
  public static long budget(String property, long defaultBytes) {
    String v = System.getProperty(property);
    if (v != null && !v.trim().isEmpty()) {
      try {
        long mib = Long.parseLong(v.trim());
        if (mib > 0) {
          return mib << 20;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, property + " must be a positive"
          + " number of MiB, not '" + v + "'.");
    }
    return defaultBytes;
  }

  @Override
  public ModelSpec spec() {
    return spec;
  }

  @Override
  public Precision precision() {
    return precision;
  }

  /**
   * Weights: the compiled graphs' estimated memory ({@link CompiledGraph#residentBytes()}, 0 before the first graph)
   * plus what the compiler shares between them. Mapped: the bytes of the model's tensors as stored in its files, when
   * they stay mapped ({@link #keepsModelFilesMapped()}), else 0.
   */
  @Override
  public MemoryUsage memory() {
    long mapped = 0;
    for (String name : keepsModelFilesMapped() ? weights.tensorNames() : Set.<String>of()) {
      org.mobiedit.spi.Tensor t = weights.find(name).get();
      mapped += t.dtype().bytesFor(t.elementCount());
    }
    synchronized (graphs) {
      return new MemoryUsage(graphBytes + compiler.sharedBytes(), mapped);
    }
  }

  /**
   * True unless the compiler keeps the weights itself ({@link GraphCompiler#keepsWeights()}): every new variant (shape
   * bucket, layer, rank-one slots, activation scales) is written from the weights.
   */
  @Override
  public boolean keepsModelFilesMapped() {
    return !compiler.keepsWeights();
  }

  // ---- static activation scales -------------------------------------------------------------------------------------

  /**
   * Observes the float activations of {@code rows} at every quantization point (weights in this model's precision)
   * and sets the scales by the rule every backend shares ({@link ActivationScales}). A no-op for precisions with float
   * activations.
   */
  @Override
  public void calibrateActivations(int[][] rows) {
    checkOpen();
    if (!precision.quantizesActivations()) {
      return;
    }
    if (rows.length == 0) {
      throw invalid("calibration needs at least one row of tokens");
    }
    int points = ActivationPoint.count(spec.layers());
    ActivationScales.Calibration seen = ActivationScales.calibration(spec.layers());
    int[] slots = terms.slots();
    for (int[] row : rows) {
      checkTokens(spec, row, 0);
      int t = bucket(row.length, spec.contextLength());
      CompiledGraph graph = graph(Variant.calibrate(t, slots));
      synchronized (graph) {
        graph.setInput(0, Arrays.copyOf(row, t));
        setTermInputs(graph, 1, slots, l -> true);
        graph.run();
        for (int i = 0; i < points; i++) {
          float[] x = graph.floatOutput(i);
          int real = x.length / t * row.length; // positions first: padding positions are not observed
          seen.observe(i, x, 0, real);
        }
      }
    }
    activations = seen.finish(SymmetricGrid.forActivationsOf(precision));
  }

  @Override
  public @org.jspecify.annotations.Nullable ActivationScales activationScales() {
    checkOpen();
    return activations;
  }

  @Override
  public void restoreActivationScales(@org.jspecify.annotations.Nullable ActivationScales scales) {
    checkOpen();
    if (!precision.quantizesActivations()) {
      return;
    }
    if (scales != null && !scales.fits(SymmetricGrid.forActivationsOf(precision), spec.layers())) {
      throw invalid("the activation scales to restore are not this model's: " + scales + " for a model of "
          + spec.layers() + " layers in " + precision.getId());
    }
    // the graphs are keyed by their scales, so those compiled for the restored scales serve again
    activations = scales;
  }

  /** A model that was never calibrated calibrates on the input of its first pass (the SPI's rule). */
  private void calibrateIfNeeded(int[][] rows) {
    if (precision.quantizesActivations() && activations == null) {
      synchronized (this) {
        if (activations == null) {
          calibrateActivations(rows);
        }
      }
    }
  }

  // ---- forward -------------------------------------------------------------------------------------------------------

  @Override
  public float[][][] forward(int[][] rows, int[][] logitPositions) {
    checkOpen();
    sameLength(rows.length, logitPositions.length, "lists of logit positions");
    for (int[] row : rows) {
      checkTokens(spec, row, 0);
    }
    calibrateIfNeeded(rows);
    float[][][] out = new float[rows.length][][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = run(rows[r], logitPositions[r]);
    }
    return out;
  }

  /** Runs one row (already checked by the caller): the logits at {@code positions}, {@code [k][vocab]}. */
  private float[][] run(int[] row, int[] positions) {
    for (int p : positions) {
      if (p < 0 || p >= row.length) {
        throw invalid("logit position " + p + " is outside a row of " + row.length + " tokens");
      }
    }
    if (positions.length == 0) {
      return new float[0][];
    }
    int t = bucket(row.length, spec.contextLength());
    int k = bucket(positions.length, t);
    int[] slots = terms.slots();
    CompiledGraph graph = graph(Variant.forward(t, k, slots));
    float[] flat;
    synchronized (graph) {
      graph.setInput(0, Arrays.copyOf(row, t)); // padding after the row cannot reach it (causal attention)
      graph.setInput(1, Arrays.copyOf(positions, k));
      setTermInputs(graph, 2, slots, l -> true);
      graph.run();
      flat = graph.floatOutput(0);
    }
    return split(flat, 1, k, positions.length)[0];
  }

  /** {@code flat [b, k, vocab]} as {@code [directions][count][vocab]}. */
  private float[][][] split(float[] flat, int directions, int k, int count) {
    int vocab = spec.vocabSize();
    float[][][] out = new float[directions][count][];
    for (int dir = 0; dir < directions; dir++) {
      for (int i = 0; i < count; i++) {
        int at = (dir * k + i) * vocab;
        out[dir][i] = Arrays.copyOfRange(flat, at, at + vocab);
      }
    }
    return out;
  }

  /** Feeds the rank-one inputs of the layers {@code runs} accepts, from input index {@code first}; returns the next. */
  private int setTermInputs(CompiledGraph graph, int first, int[] slots, java.util.function.IntPredicate runs) {
    List<float[]> inputs = terms.inputs(slots);
    int in = first;
    int k = 0;
    for (int l = 0; l < slots.length; l++) {
      if (slots[l] > 0) {
        if (runs.test(l)) {
          graph.setInput(in++, inputs.get(k));
          graph.setInput(in++, inputs.get(k + 1));
        }
        k += 2;
      }
    }
    return in;
  }

  /** The smallest power of two ≥ n (at least {@value #MIN_BUCKET}), capped at {@code max}. */
  static int bucket(int n, int max) {
    int b = MIN_BUCKET;
    while (b < n) {
      b *= 2;
    }
    return Math.min(b, Math.max(max, n));
  }

  private CompiledGraph graph(Variant variant) {
    ActivationScales scales = variant.kind() == TransformerGraph.Kind.CALIBRATE ? null : activations;
    if (precision.quantizesActivations() && scales == null && variant.kind() != TransformerGraph.Kind.CALIBRATE) {
      throw new IllegalStateException("activation scales are not calibrated");
    }
    // the scales are part of a quantized graph: new scales make new graphs
    String key = variant.key() + (scales == null ? "" : "-a" + scales.grid().bits() + "s"
        + Integer.toHexString(java.util.Arrays.hashCode(scales.toArray())));
    synchronized (graphs) {
      checkOpen();
      CompiledGraph g = graphs.get(key);
      if (g == null) {
        TransformerGraph.WeightForm form = TransformerGraph.WeightForm.of(precision);
        g = compiler.compile(weights.fingerprint(), key + "-" + precision.getId(),
            () -> TransformerGraph.build(weights, variant, form, scales));
        graphs.put(key, g);
        graphBytes += g.residentBytes();
        // keep the most recently used graphs within both bounds, but always the one just compiled
        while (graphs.size() > 1 && (graphs.size() > CACHED_GRAPHS || graphBytes > graphBudget)) {
          var eldest = graphs.entrySet().iterator().next();
          graphs.remove(eldest.getKey());
          graphBytes -= eldest.getValue().residentBytes();
          synchronized (eldest.getValue()) {
            eldest.getValue().close();
          }
        }
      }
      return g;
    }
  }

  // ---- capture -------------------------------------------------------------------------------------------------------

  @Override
  public MlpCapture captureMlp(int[][] rows, int layer, int[] positions) {
    checkOpen();
    checkLayer(spec, layer);
    sameLength(rows.length, positions.length, "capture positions");
    float[][] keys = new float[rows.length][];
    float[][] outputs = new float[rows.length][];
    int ff = spec.intermediateSize();
    int d = spec.hiddenSize();
    for (int r = 0; r < rows.length; r++) {
      if (positions[r] < 0 || positions[r] >= rows[r].length) {
        throw invalid("capture position " + positions[r] + " is outside a row of " + rows[r].length + " tokens");
      }
      float[][] both = capture(rows[r], layer);
      keys[r] = Arrays.copyOfRange(both[0], positions[r] * ff, (positions[r] + 1) * ff);
      outputs[r] = Arrays.copyOfRange(both[1], positions[r] * d, (positions[r] + 1) * d);
    }
    return new MlpCapture(keys, outputs);
  }

  @Override
  public float[][] captureKeys(int[] row, int layer) {
    checkOpen();
    checkLayer(spec, layer);
    float[] flat = capture(row, layer)[0];
    int ff = spec.intermediateSize();
    float[][] out = new float[row.length][];
    for (int p = 0; p < row.length; p++) {
      out[p] = Arrays.copyOfRange(flat, p * ff, (p + 1) * ff);
    }
    return out;
  }

  /** {key [T·intermediate], output [T·hidden]} of {@code layer} for one row (padding positions included). */
  private float[][] capture(int[] row, int layer) {
    checkTokens(spec, row, 0);
    calibrateIfNeeded(new int[][] {row});
    int t = bucket(row.length, spec.contextLength());
    int[] slots = terms.slots();
    CompiledGraph graph = graph(Variant.capture(t, layer, slots));
    synchronized (graph) {
      graph.setInput(0, Arrays.copyOf(row, t));
      setTermInputs(graph, 1, slots, l -> l <= layer); // later layers do not run in a capture graph
      graph.run();
      return new float[][] {graph.floatOutput(0), graph.floatOutput(1)};
    }
  }

  // ---- injection and the prefix cache -------------------------------------------------------------------------------

  /**
   * What an injection at {@code layer}, position {@code s}, cannot change, for one row: the residual after the layer
   * from {@code s} on, and every later layer's keys and values before {@code s} (rotated), padded to their buckets;
   * with the resume graph's other inputs that depend on the row only (the rotary tables of the suffix's positions and
   * the attention mask), so that a resume computes nothing but its deltas.
   */
  private record RowPrefix(int length, int s, int suffixBucket, int prefixBucket, float[] suffixResidual,
      float[][] keys, float[][] values, float[] ropeCos, float[] ropeSin, float[] mask) {}

  /** The prefix cache of this backend: per row, a {@link RowPrefix}. */
  private record CachedPrefix(RowPrefix[] perRow, int layer) implements PrefixState {
    @Override
    public int rows() {
      return perRow.length;
    }

    @Override
    public void close() {}
  }

  @Override
  public PrefixState buildPrefix(int[][] rows, int layer, int[] injectAt) {
    checkOpen();
    checkLayer(spec, layer);
    sameLength(rows.length, injectAt.length, "injection positions");
    for (int[] row : rows) {
      checkTokens(spec, row, 0);
    }
    calibrateIfNeeded(rows);
    int[] slots = terms.slots();
    RowPrefix[] out = new RowPrefix[rows.length];
    for (int r = 0; r < rows.length; r++) {
      if (injectAt[r] < 0 || injectAt[r] >= rows[r].length) {
        throw invalid("injection position " + injectAt[r] + " is outside a row of " + rows[r].length + " tokens");
      }
      out[r] = rowPrefix(rows[r], layer, injectAt[r], slots);
    }
    return new CachedPrefix(out, layer);
  }

  private RowPrefix rowPrefix(int[] row, int layer, int s, int[] slots) {
    int t = bucket(row.length, spec.contextLength());
    int d = spec.hiddenSize();
    int kv = spec.kvHeads() * spec.headDim();
    int suffix = row.length - s;
    int sb = bucket(suffix, Integer.MAX_VALUE);
    int pb = bucket(Math.max(1, s), Integer.MAX_VALUE);
    float[][] keys = new float[spec.layers()][];
    float[][] values = new float[spec.layers()][];
    float[] residual = new float[sb * d];
    CompiledGraph graph = graph(Variant.prefix(t, layer, slots));
    synchronized (graph) {
      graph.setInput(0, Arrays.copyOf(row, t));
      setTermInputs(graph, 1, slots, l -> true);
      graph.run();
      System.arraycopy(graph.floatOutput(0), s * d, residual, 0, suffix * d);
      int out = 1;
      for (int l = layer + 1; l < spec.layers(); l++) {
        keys[l] = Arrays.copyOf(graph.floatOutput(out++), pb * kv); // rows ≥ s are overwritten below
        values[l] = Arrays.copyOf(graph.floatOutput(out++), pb * kv);
        Arrays.fill(keys[l], Math.min(s * kv, keys[l].length), keys[l].length, 0f);
        Arrays.fill(values[l], Math.min(s * kv, values[l].length), values[l].length, 0f);
      }
    }
    float[][] rotary = rope.table(s, sb);
    return new RowPrefix(row.length, s, sb, pb, residual, keys, values, rotary[0], rotary[1],
        cachedThenCausalMask(sb, pb, s));
  }

  /**
   * The attention mask of a graph that reads {@code cached} cached positions and then its own {@code own}: query
   * {@code i} sees the first {@code written} cached positions and its own positions up to itself, causally.
   */
  private static float[] cachedThenCausalMask(int own, int cached, int written) {
    float[] mask = new float[own * (cached + own)];
    for (int i = 0; i < own; i++) {
      for (int j = 0; j < cached + own; j++) {
        boolean visible = j < cached ? j < written : j - cached <= i;
        mask[i * (cached + own) + j] = visible ? 0f : TransformerGraph.MASKED;
      }
    }
    return mask;
  }

  @Override
  public float[][][][] resume(PrefixState prefix, float[][] deltas, int[][] logitPositions) {
    CachedPrefix p = checkResume(prefix, deltas, logitPositions);
    float[][][][] out = new float[deltas.length][p.perRow().length][][];
    int vocab = spec.vocabSize();
    for (int r = 0; r < p.perRow().length; r++) {
      int row = r;
      int count = logitPositions[r].length;
      for (int dir = 0; dir < deltas.length; dir++) {
        out[dir][r] = new float[count][];
      }
      resumeRow(p.perRow()[r], p.layer(), deltas, logitPositions[r], (graph, k) -> {
        for (int dir = 0; dir < deltas.length; dir++) {
          for (int i = 0; i < count; i++) {
            float[] logits = new float[vocab];
            graph.readOutput(0, (long) (dir * k + i) * vocab, logits, 0, vocab);
            out[dir][row][i] = logits;
          }
        }
      });
    }
    return out;
  }

  /**
   * The loss terms of {@link #resume}'s logits, computed here from each logit row as the runtime left it, with
   * {@link LossRequest#evaluateAt}: the same numbers as the reference, without a copy of every row on the Java heap
   * (at the 0.5B shape a resume's logits are 78 MB, and allocating and copying them took as long as the graph ran).
   */
  @Override
  public LossTerms resumeLoss(PrefixState prefix, float[][] deltas, int[][] logitPositions, LossRequest request) {
    CachedPrefix p = checkResume(prefix, deltas, logitPositions);
    sameLength(request.rows(), logitPositions.length, "rows of loss labels");
    LossTerms.Point[] points = new LossTerms.Point[deltas.length];
    for (int dir = 0; dir < points.length; dir++) {
      points[dir] = request.newPoint();
    }
    int vocab = spec.vocabSize();
    float[] logits = new float[vocab];
    for (int r = 0; r < p.perRow().length; r++) {
      int row = r;
      int count = logitPositions[r].length;
      resumeRow(p.perRow()[r], p.layer(), deltas, logitPositions[r], (graph, k) -> {
        for (int dir = 0; dir < deltas.length; dir++) {
          for (int i = 0; i < count; i++) {
            graph.readOutput(0, (long) (dir * k + i) * vocab, logits, 0, vocab);
            request.evaluateAt(row, i, logits, 0, vocab, points[dir]);
          }
        }
      });
    }
    return new LossTerms(points);
  }

  private CachedPrefix checkResume(PrefixState prefix, float[][] deltas, int[][] logitPositions) {
    checkOpen();
    if (!(prefix instanceof CachedPrefix p)) {
      throw invalid("this prefix state was made by another backend");
    }
    sameLength(p.perRow().length, logitPositions.length, "lists of logit positions");
    checkDeltas(deltas);
    for (int r = 0; r < p.perRow().length; r++) {
      RowPrefix row = p.perRow()[r];
      for (int q : logitPositions[r]) {
        if (q < row.s() || q >= row.length()) {
          throw invalid("logit position " + q + " is outside the resumed positions (" + row.s() + ".."
              + (row.length() - 1) + ")");
        }
      }
    }
    return p;
  }

  /**
   * The directions a resume graph takes: exactly as many as given up to {@value #EXACT_DIRECTIONS} (an edit uses the
   * same number, 2q, at every step, so this makes one graph, and padding 10 directions to 16 cost 60 % more work),
   * then powers of two.
   */
  static int directionsBucket(int directions) {
    return directions <= EXACT_DIRECTIONS ? directions : bucket(directions, Integer.MAX_VALUE);
  }

  /** Up to this many directions a resume graph is written for the exact count. */
  static final int EXACT_DIRECTIONS = 32;

  /** Reads what a resume graph left in its outputs; {@code k} is its bucket of logit positions. */
  @FunctionalInterface
  private interface ResumeOutputs {
    void read(CompiledGraph graph, int k);
  }

  /**
   * One row's resume, with the rank-one terms of the later layers as they are now (as backend-cpu resumes); the
   * logits of direction {@code dir} at position {@code i} are floats {@code [(dir·k + i)·vocab, +vocab)} of output 0
   * while {@code outputs} runs.
   */
  private void resumeRow(RowPrefix row, int layer, float[][] deltas, int[] positions, ResumeOutputs outputs) {
    if (positions.length == 0) {
      return;
    }
    int sb = row.suffixBucket();
    int pb = row.prefixBucket();
    int d = spec.hiddenSize();
    int k = bucket(positions.length, Integer.MAX_VALUE);
    int b = directionsBucket(deltas.length);
    int[] relative = new int[k];
    for (int i = 0; i < positions.length; i++) {
      relative[i] = positions[i] - row.s();
    }
    float[] packed = new float[b * d];
    for (int i = 0; i < deltas.length; i++) {
      System.arraycopy(deltas[i], 0, packed, i * d, d);
    }
    int[] slots = terms.slots();
    CompiledGraph graph = graph(Variant.resume(sb, pb, k, b, layer, slots));
    synchronized (graph) {
      int in = 0;
      graph.setInput(in++, row.suffixResidual());
      graph.setInput(in++, relative);
      graph.setInput(in++, packed);
      graph.setInput(in++, row.ropeCos());
      graph.setInput(in++, row.ropeSin());
      graph.setInput(in++, row.mask());
      for (int l = layer + 1; l < spec.layers(); l++) {
        graph.setInput(in++, row.keys()[l]);
        graph.setInput(in++, row.values()[l]);
      }
      setTermInputs(graph, in, slots, l -> l > layer);
      graph.run();
      outputs.read(graph, k);
    }
  }

  /** The same computation as {@link #resume}, with the prefix built for this call (so the two agree bit for bit). */
  @Override
  public float[][][][] injectForward(int[][] rows, int layer, int[] injectAt, float[][] deltas,
      int[][] logitPositions) {
    checkDeltas(deltas);
    try (PrefixState prefix = buildPrefix(rows, layer, injectAt)) {
      return resume(prefix, deltas, logitPositions);
    }
  }

  /** {@link #resumeLoss} with the prefix built for this call, as {@link #injectForward} is. */
  @Override
  public LossTerms injectForwardLoss(int[][] rows, int layer, int[] injectAt, float[][] deltas,
      int[][] logitPositions, LossRequest request) {
    checkDeltas(deltas);
    try (PrefixState prefix = buildPrefix(rows, layer, injectAt)) {
      return resumeLoss(prefix, deltas, logitPositions, request);
    }
  }

  private void checkDeltas(float[][] deltas) {
    if (deltas.length == 0) {
      throw invalid("no deltas to inject");
    }
    BackendInputs.checkDeltas(spec, deltas);
  }

  // ---- rank-one updates ----------------------------------------------------------------------------------------------

  @Override
  public long applyRankOne(int layer, float[] left, float[] right) {
    checkOpen();
    checkLayer(spec, layer);
    if (left.length != spec.hiddenSize() || right.length != spec.intermediateSize()) {
      throw invalid("a rank-one update needs left of length " + spec.hiddenSize() + " and right of length "
          + spec.intermediateSize() + ", not " + left.length + " and " + right.length);
    }
    return terms.add(layer, left, right);
  }

  @Override
  public void revertRankOne(long handle) {
    checkOpen();
    terms.remove(handle);
  }

  // ---- sequences -----------------------------------------------------------------------------------------------------

  /**
   * A sequence with its key/value cache in Java arrays, run by the decode graph ({@link Variant#decode}): each append
   * runs every layer on the new tokens only, reading the cached keys/values of the earlier positions, and adds the
   * new tokens' keys/values to the cache. One token at a time runs a graph of one position, so decoding costs one pass
   * over the weights per token. The cache holds {@code bucket(capacity)} positions; the mask hides those not yet
   * written, so one graph serves the whole sequence.
   */
  @Override
  public InferenceSequence newSequence(int capacity) {
    checkOpen();
    if (capacity < 1 || capacity > spec.contextLength()) {
      throw invalid("a sequence's capacity must be within 1.." + spec.contextLength() + ", not " + capacity);
    }
    return new CachedSequence(capacity);
  }

  private final class CachedSequence implements InferenceSequence {
    private final int capacity;
    private final int cached;
    private final float[][] keys;
    private final float[][] values;
    /** The tokens so far: calibration (static activations) needs them, and a rewind keeps the cache's prefix. */
    private int[] tokens = new int[0];

    CachedSequence(int capacity) {
      this.capacity = capacity;
      this.cached = bucket(capacity, Integer.MAX_VALUE);
      int kv = spec.kvHeads() * spec.headDim();
      this.keys = new float[spec.layers()][cached * kv];
      this.values = new float[spec.layers()][cached * kv];
    }

    @Override
    public int length() {
      return tokens.length;
    }

    @Override
    public int capacity() {
      return capacity;
    }

    @Override
    public float[] append(int[] more) {
      checkOpen();
      if (more.length == 0) {
        throw invalid("nothing to append");
      }
      int p0 = tokens.length;
      if (p0 + more.length > capacity) {
        throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
            (p0 + more.length) + " positions exceed the sequence's capacity of " + capacity + ".");
      }
      checkTokens(spec, more, 0);
      int[] next = Arrays.copyOf(tokens, p0 + more.length);
      System.arraycopy(more, 0, next, p0, more.length);
      calibrateIfNeeded(new int[][] {next});
      float[] logits = run(p0, more);
      tokens = next;
      return logits;
    }

    /** Runs {@code more} at positions {@code p0 ..}, stores their keys/values, returns the last one's logits. */
    private float[] run(int p0, int[] more) {
      int n = more.length;
      int s = n == 1 ? 1 : bucket(n, Integer.MAX_VALUE);
      int kv = spec.kvHeads() * spec.headDim();
      float[][] rotary = rope.table(p0, s);
      float[] mask = cachedThenCausalMask(s, cached, p0);
      int[] slots = terms.slots();
      CompiledGraph graph = graph(Variant.decode(s, cached, slots));
      float[] logits = new float[spec.vocabSize()];
      synchronized (graph) {
        int in = 0;
        graph.setInput(in++, Arrays.copyOf(more, s));
        graph.setInput(in++, new int[] {n - 1});
        graph.setInput(in++, rotary[0]);
        graph.setInput(in++, rotary[1]);
        graph.setInput(in++, mask);
        for (int l = 0; l < spec.layers(); l++) {
          graph.writeInput(in++, 0, keys[l], 0, keys[l].length);
          graph.writeInput(in++, 0, values[l], 0, values[l].length);
        }
        setTermInputs(graph, in, slots, l -> true);
        graph.run();
        graph.readOutput(0, 0, logits, 0, logits.length);
        for (int l = 0; l < spec.layers(); l++) {
          graph.readOutput(1 + 2 * l, 0, keys[l], p0 * kv, n * kv);
          graph.readOutput(2 + 2 * l, 0, values[l], p0 * kv, n * kv);
        }
      }
      return logits;
    }

    @Override
    public void truncate(int newLength) {
      tokens = Arrays.copyOf(tokens, Math.max(0, Math.min(newLength, tokens.length)));
    }

    @Override
    public void close() {}
  }

  // ---- checks --------------------------------------------------------------------------------------------------------

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this model is closed");
    }
  }

  @Override
  public void close() {
    synchronized (graphs) {
      if (closed) {
        return;
      }
      closed = true;
      for (CompiledGraph g : graphs.values()) {
        synchronized (g) {
          g.close();
        }
      }
      graphs.clear();
      graphBytes = 0;
      compiler.close();
    }
  }
}
