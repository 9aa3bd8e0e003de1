package org.mobiedit.backend.litert;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.litert.graph.ForwardGraph;
import org.mobiedit.backend.litert.runtime.TfliteInterpreter;
import org.mobiedit.backend.litert.tflite.TfliteWriter;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.InferenceSequence;
import org.mobiedit.spi.MemoryUsage;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;

/**
 * A model on the LiteRT backend: one written and compiled forward graph per shape bucket (positions and logit rows
 * rounded up to powers of two), kept in a small least-recently-used cache. Each graph runs one invocation at a time;
 * calls from several threads on different buckets run in parallel.
 */
final class LitertModel implements BackendModel {
  /** Compiled graphs kept: each holds a copy of the weights, so the cache is small. */
  private static final int CACHED_GRAPHS = 4;
  private static final int MIN_BUCKET = 8;

  private final ModelWeights weights;
  private final ModelSpec spec;
  private final int threads;
  private final GraphCache cache = GraphCache.fromSettings();
  private final Map<Long, TfliteInterpreter> graphs = new LinkedHashMap<>(16, 0.75f, true);
  private volatile boolean closed;

  LitertModel(ModelWeights weights, int threads) {
    this.weights = weights;
    this.spec = weights.spec();
    this.threads = threads;
    ForwardGraph.build(weights, MIN_BUCKET, 1); // fails now, with a clear message, for what the writer cannot express
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
   * The compiled graphs hold float32 copies of the weights; the model's files stay mapped, because new shape buckets
   * are written from them.
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

  @Override
  public float[][][] forward(int[][] rows, int[][] logitPositions) {
    checkOpen();
    if (rows.length != logitPositions.length) {
      throw invalid(rows.length + " rows but " + logitPositions.length + " lists of logit positions");
    }
    float[][][] out = new float[rows.length][][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = forwardRow(rows[r], logitPositions[r]);
    }
    return out;
  }

  private float[][] forwardRow(int[] row, int[] positions) {
    checkRow(row);
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
    int vocab = spec.vocabSize();
    float[] flat;
    TfliteInterpreter graph = graph(t, k);
    synchronized (graph) {
      graph.setInput(0, Arrays.copyOf(row, t)); // padding after the row cannot reach it (causal attention)
      graph.setInput(1, Arrays.copyOf(positions, k));
      graph.run();
      flat = graph.floatOutput(0);
    }
    float[][] logits = new float[positions.length][];
    for (int i = 0; i < positions.length; i++) {
      logits[i] = Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
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

  private TfliteInterpreter graph(int positions, int logitRows) {
    long key = ((long) positions << 32) | logitRows;
    synchronized (graphs) {
      checkOpen();
      TfliteInterpreter g = graphs.get(key);
      if (g == null) {
        byte[] model = cache.get(weights.fingerprint(), "forward-fp32-T" + positions + "-K" + logitRows,
            () -> TfliteWriter.write(ForwardGraph.build(weights, positions, logitRows),
                "mobiedit forward " + spec.architecture() + " T=" + positions + " K=" + logitRows));
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

  private static MobiEditException invalid(String message) {
    return new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, message);
  }

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
        float[] logits = forwardRow(next, new int[] {next.length - 1})[0];
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
