package org.mobiedit.backend.litert;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.litert.graph.TransformerGraph;
import org.mobiedit.backend.litert.graph.TransformerGraph.Variant;
import org.mobiedit.backend.litert.runtime.TfliteInterpreter;
import org.mobiedit.backend.litert.tflite.TfliteWriter;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.InferenceSequence;
import org.mobiedit.spi.MemoryUsage;
import org.mobiedit.spi.MlpCapture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.PrefixState;

/**
 * A model on the LiteRT backend: written and compiled graphs per {@link Variant} (shape buckets: positions, logit
 * rows and directions rounded up to powers of two; the injection or capture layer; the rank-one term slots), kept in
 * a least-recently-used cache. Each graph runs one invocation at a time; calls from several threads on different
 * graphs run in parallel.
 *
 * <p>Rank-one updates are graph inputs ({@link RankOneTerms}), so applying or reverting one never rewrites weights.
 * The prefix state of this first version keeps the rows only: {@link #resume} runs {@link #injectForward} (equal bit
 * for bit, as the SPI requires, but without the prefix cache's savings yet).
 */
final class LitertModel implements BackendModel {
  /** Compiled graphs kept; each holds a float32 copy of the weights, so this bounds memory to a few model copies. */
  private static final int CACHED_GRAPHS = 12;
  private static final int MIN_BUCKET = 8;

  private final ModelWeights weights;
  private final ModelSpec spec;
  private final int threads;
  private final GraphCache cache = GraphCache.fromSettings();
  private final RankOneTerms terms;
  private final Map<String, TfliteInterpreter> graphs = new LinkedHashMap<>(16, 0.75f, true);
  private volatile boolean closed;

  LitertModel(ModelWeights weights, int threads) {
    this.weights = weights;
    this.spec = weights.spec();
    this.threads = threads;
    this.terms = new RankOneTerms(spec.layers(), spec.hiddenSize(), spec.intermediateSize());
    TransformerGraph.checkSupported(spec); // fails now, with a clear message, for what the writer cannot express
  }

  @Override
  public ModelSpec spec() {
    return spec;
  }

  @Override
  public Precision precision() {
    return Precision.FP32;
  }

  /**
   * The compiled graphs hold float32 copies of the weights; the model's files stay mapped, because new variants are
   * written from them.
   */
  @Override
  public MemoryUsage memory() {
    long mapped = 0;
    for (String name : weights.tensorNames()) {
      org.mobiedit.spi.Tensor t = weights.find(name).orElseThrow();
      mapped += t.dtype().bytesFor(t.elementCount());
    }
    synchronized (graphs) {
      return new MemoryUsage((long) graphs.size() * spec.parameterCount() * 4, Math.max(1, mapped));
    }
  }

  // ---- forward -------------------------------------------------------------------------------------------------------

  @Override
  public float[][][] forward(int[][] rows, int[][] logitPositions) {
    checkOpen();
    sameLength(rows.length, logitPositions.length, "lists of logit positions");
    float[][][] out = new float[rows.length][][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = run(rows[r], logitPositions[r], -1, -1, null)[0];
    }
    return out;
  }

  /**
   * Runs one row: logits {@code [direction][k][vocab]} at {@code positions}, with {@code deltas} injected at
   * {@code layer}'s MLP output at {@code injectAt} when {@code deltas} is not null.
   */
  private float[][][] run(int[] row, int[] positions, int layer, int injectAt, float @org.jspecify.annotations.Nullable
      [][] deltas) {
    checkRow(row);
    for (int p : positions) {
      if (p < 0 || p >= row.length) {
        throw invalid("logit position " + p + " is outside a row of " + row.length + " tokens");
      }
    }
    int directions = deltas == null ? 1 : deltas.length;
    if (positions.length == 0) {
      return new float[directions][0][];
    }
    int t = bucket(row.length, spec.contextLength());
    int k = bucket(positions.length, t);
    int b = deltas == null ? 1 : bucket(deltas.length, Integer.MAX_VALUE);
    int[] slots = terms.slots();
    List<float[]> termInputs = terms.inputs(slots);
    Variant variant = new Variant(t, k, b, deltas == null ? -1 : layer, -1, slots);
    int vocab = spec.vocabSize();
    float[] flat;
    TfliteInterpreter graph = graph(variant);
    synchronized (graph) {
      int in = 0;
      graph.setInput(in++, Arrays.copyOf(row, t)); // padding after the row cannot reach it (causal attention)
      graph.setInput(in++, Arrays.copyOf(positions, k));
      if (deltas != null) {
        int d = spec.hiddenSize();
        float[] packed = new float[b * d];
        for (int i = 0; i < deltas.length; i++) {
          System.arraycopy(deltas[i], 0, packed, i * d, d);
        }
        float[] oneHot = new float[t];
        oneHot[injectAt] = 1;
        graph.setInput(in++, packed);
        graph.setInput(in++, oneHot);
      }
      for (float[] x : termInputs) {
        graph.setInput(in++, x);
      }
      graph.run();
      flat = graph.floatOutput(0);
    }
    float[][][] logits = new float[directions][positions.length][];
    for (int dir = 0; dir < directions; dir++) {
      for (int i = 0; i < positions.length; i++) {
        int at = (dir * k + i) * vocab;
        logits[dir][i] = Arrays.copyOfRange(flat, at, at + vocab);
      }
    }
    return logits;
  }

  /** The smallest power of two ≥ n (at least {@value #MIN_BUCKET}), capped at {@code max}. */
  static int bucket(int n, int max) {
    int b = MIN_BUCKET;
    while (b < n) {
      b *= 2;
    }
    return Math.min(b, Math.max(max, n));
  }

  private TfliteInterpreter graph(Variant variant) {
    String key = variant.key();
    synchronized (graphs) {
      checkOpen();
      TfliteInterpreter g = graphs.get(key);
      if (g == null) {
        byte[] model = cache.get(weights.fingerprint(), key + "-fp32",
            () -> TfliteWriter.write(TransformerGraph.build(weights, variant), "mobiedit " + key));
        g = new TfliteInterpreter(model, threads);
        graphs.put(key, g);
        if (graphs.size() > CACHED_GRAPHS) {
          var eldest = graphs.entrySet().iterator().next();
          graphs.remove(eldest.getKey());
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
    checkLayer(layer);
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
    checkLayer(layer);
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
    checkRow(row);
    int t = bucket(row.length, spec.contextLength());
    int[] slots = terms.slots();
    List<float[]> termInputs = terms.inputs(slots);
    int[] used = Arrays.copyOf(slots, layer + 1); // later layers do not run in a capture graph
    Variant variant = new Variant(t, 0, 1, -1, layer, used);
    TfliteInterpreter graph = graph(variant);
    synchronized (graph) {
      graph.setInput(0, Arrays.copyOf(row, t));
      int in = 1;
      int k = 0;
      for (int l = 0; l < slots.length; l++) {
        if (slots[l] > 0) {
          if (l <= layer) {
            graph.setInput(in++, termInputs.get(k));
            graph.setInput(in++, termInputs.get(k + 1));
          }
          k += 2;
        }
      }
      graph.run();
      return new float[][] {graph.floatOutput(0), graph.floatOutput(1)};
    }
  }

  // ---- injection -----------------------------------------------------------------------------------------------------

  @Override
  public float[][][][] injectForward(int[][] rows, int layer, int[] injectAt, float[][] deltas,
      int[][] logitPositions) {
    checkOpen();
    checkLayer(layer);
    sameLength(rows.length, injectAt.length, "injection positions");
    sameLength(rows.length, logitPositions.length, "lists of logit positions");
    if (deltas.length == 0) {
      throw invalid("no deltas to inject");
    }
    for (float[] delta : deltas) {
      if (delta.length != spec.hiddenSize()) {
        throw invalid("a delta has " + delta.length + " values; the model's hidden size " + spec.hiddenSize()
            + " is needed");
      }
      for (float x : delta) {
        if (!Float.isFinite(x)) {
          throw invalid("a delta contains NaN or infinity");
        }
      }
    }
    float[][][][] out = new float[deltas.length][rows.length][][];
    for (int r = 0; r < rows.length; r++) {
      if (injectAt[r] < 0 || injectAt[r] >= rows[r].length) {
        throw invalid("injection position " + injectAt[r] + " is outside a row of " + rows[r].length + " tokens");
      }
      for (int p : logitPositions[r]) {
        if (p < injectAt[r]) {
          throw invalid("logit position " + p + " is outside the resumed positions (from " + injectAt[r] + ")");
        }
      }
      float[][][] perDirection = run(rows[r], logitPositions[r], layer, injectAt[r], deltas);
      for (int dir = 0; dir < deltas.length; dir++) {
        out[dir][r] = perDirection[dir];
      }
    }
    return out;
  }

  /** This version's prefix keeps the rows: a resume runs them again (equal to {@link #injectForward} bit for bit). */
  private record RowsPrefix(int[][] tokens, int layer, int[] injectAt) implements PrefixState {
    @Override
    public int rows() {
      return tokens.length;
    }

    @Override
    public void close() {}
  }

  @Override
  public PrefixState buildPrefix(int[][] rows, int layer, int[] injectAt) {
    checkOpen();
    checkLayer(layer);
    sameLength(rows.length, injectAt.length, "injection positions");
    for (int r = 0; r < rows.length; r++) {
      checkRow(rows[r]);
      if (injectAt[r] < 0 || injectAt[r] >= rows[r].length) {
        throw invalid("injection position " + injectAt[r] + " is outside a row of " + rows[r].length + " tokens");
      }
    }
    return new RowsPrefix(Arrays.stream(rows).map(int[]::clone).toArray(int[][]::new), layer, injectAt.clone());
  }

  @Override
  public float[][][][] resume(PrefixState prefix, float[][] deltas, int[][] logitPositions) {
    if (!(prefix instanceof RowsPrefix p)) {
      throw invalid("this prefix state was made by another backend");
    }
    return injectForward(p.tokens(), p.layer(), p.injectAt(), deltas, logitPositions);
  }

  // ---- rank-one updates ----------------------------------------------------------------------------------------------

  @Override
  public long applyRankOne(int layer, float[] left, float[] right) {
    checkOpen();
    checkLayer(layer);
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
   * A sequence that runs the whole row again for every append (this backend has no key/value cache graph yet, so it
   * does not claim {@code KV_CACHE}); correct, and quadratic in the length.
   */
  @Override
  public InferenceSequence newSequence(int capacity) {
    checkOpen();
    if (capacity < 1 || capacity > spec.contextLength()) {
      throw invalid("a sequence's capacity must be within 1.." + spec.contextLength() + ", not " + capacity);
    }
    return new InferenceSequence() {
      private int[] tokens = new int[0];

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
        if (more.length == 0) {
          throw invalid("nothing to append");
        }
        if (tokens.length + more.length > capacity) {
          throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
              (tokens.length + more.length) + " positions exceed the sequence's capacity of " + capacity + ".");
        }
        int[] next = Arrays.copyOf(tokens, tokens.length + more.length);
        System.arraycopy(more, 0, next, tokens.length, more.length);
        float[] logits = run(next, new int[] {next.length - 1}, -1, -1, null)[0][0];
        tokens = next;
        return logits;
      }

      @Override
      public void truncate(int newLength) {
        tokens = Arrays.copyOf(tokens, Math.min(newLength, tokens.length));
      }

      @Override
      public void close() {}
    };
  }

  // ---- checks --------------------------------------------------------------------------------------------------------

  private void checkRow(int[] row) {
    if (row.length == 0) {
      throw invalid("a row of tokens is empty");
    }
    if (row.length > spec.contextLength()) {
      throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
          row.length + " positions exceed the model's context of " + spec.contextLength() + ".");
    }
    for (int id : row) {
      if (id < 0 || id >= spec.vocabSize()) {
        throw invalid("token id " + id + " is outside the vocabulary (0.." + (spec.vocabSize() - 1) + ")");
      }
    }
  }

  private void checkLayer(int layer) {
    if (layer < 0 || layer >= spec.layers()) {
      throw invalid("layer " + layer + " does not exist: the model has layers 0.." + (spec.layers() - 1));
    }
  }

  private static void sameLength(int rows, int other, String what) {
    if (rows != other) {
      throw invalid(rows + " rows but " + other + " " + what);
    }
  }

  private static MobiEditException invalid(String message) {
    return new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, message);
  }

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
      for (TfliteInterpreter g : graphs.values()) {
        synchronized (g) {
          g.close();
        }
      }
      graphs.clear();
    }
  }
}
