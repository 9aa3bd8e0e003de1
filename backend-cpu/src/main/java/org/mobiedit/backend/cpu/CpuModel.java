package org.mobiedit.backend.cpu;

import static org.mobiedit.spi.BackendInputs.checkDeltas;
import static org.mobiedit.spi.BackendInputs.checkFinite;
import static org.mobiedit.spi.BackendInputs.checkLayer;
import static org.mobiedit.spi.BackendInputs.checkPosition;
import static org.mobiedit.spi.BackendInputs.checkTokens;
import static org.mobiedit.spi.BackendInputs.invalid;
import static org.mobiedit.spi.BackendInputs.sameLength;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.kernel.DotProduct;
import org.mobiedit.backend.cpu.kernel.Workers;
import org.mobiedit.backend.cpu.model.KvCache;
import org.mobiedit.backend.cpu.model.MlpHook;
import org.mobiedit.backend.cpu.model.Transformer;
import org.mobiedit.backend.cpu.quant.ActivationQuantizer;
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
import org.mobiedit.spi.numerics.SymmetricGrid;

/**
 * A model loaded on the CPU backend. Weights are converted once at load ({@link Transformer#load}): to float32 arrays
 * ({@link Precision#FP32}), to int8 with one scale per output channel ({@link Precision#INT8}, including the
 * embedding and LM head), or to 4-bit blocks ({@link Precision#INT4}: a file's Q4_0 and Q4_K tensors as stored);
 * norms and biases stay float. With {@link Precision#INT8_A8} / {@link Precision#INT8_A16} the inputs of every
 * matrix product are also quantized with static calibrated scales ({@link ActivationQuantizer}). The model's files
 * are not needed afterwards.
 *
 * <p>Thread safety: {@link #forward} may run concurrently; each sequence is confined to one thread at a time.
 */
final class CpuModel implements BackendModel {
  private final ModelSpec spec;
  private final Precision precision;
  private final Transformer transformer;
  private final @Nullable ActivationQuantizer quantizer;
  private long rankOneHandles;
  private volatile boolean closed;

  CpuModel(ModelWeights weights, Precision precision, Workers workers, DotProduct kernel) {
    this.spec = weights.spec();
    this.precision = precision;
    this.quantizer = precision.quantizesActivations()
        ? new ActivationQuantizer(SymmetricGrid.forActivationsOf(precision), spec.layers())
        : null;
    this.transformer = Transformer.load(weights, precision, workers, kernel, quantizer);
  }

  @Override
  public ModelSpec spec() {
    return spec;
  }

  @Override
  public Precision precision() {
    return precision;
  }

  @Override
  public MemoryUsage memory() {
    return new MemoryUsage(transformer.weightBytes(), 0);
  }

  @Override
  public float[][][] forward(int[][] rows, int[][] logitPositions) {
    checkOpen();
    if (rows.length != logitPositions.length) {
      throw invalid("forward got " + rows.length + " rows but " + logitPositions.length + " position lists");
    }
    for (int[] row : rows) {
      checkTokens(spec, row, 0);
    }
    calibrateIfNeeded(rows);
    float[][][] out = new float[rows.length][][];
    for (int r = 0; r < rows.length; r++) {
      int[] row = rows[r];
      for (int p : logitPositions[r]) {
        if (p < 0 || p >= row.length) {
          throw invalid("row " + r + " has " + row.length + " tokens; logit position " + p + " is outside it");
        }
      }
      KvCache cache = new KvCache(spec.layers(), spec.kvDim(), row.length);
      out[r] = transformer.forward(cache, row, logitPositions[r]);
    }
    return out;
  }

  @Override
  public InferenceSequence newSequence(int capacity) {
    checkOpen();
    if (capacity < 1 || capacity > spec.contextLength()) {
      throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
          "A sequence of capacity " + capacity + " does not fit the model's context of " + spec.contextLength()
              + " positions.");
    }
    return new CpuSequence(this, new KvCache(spec.layers(), spec.kvDim(), capacity));
  }

  float[] append(KvCache cache, int[] tokens) {
    checkOpen();
    checkTokens(spec, tokens, cache.length());
    calibrateIfNeeded(new int[][] {tokens});
    if (cache.length() + tokens.length > cache.capacity()) {
      throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
          "Appending " + tokens.length + " tokens to a sequence of " + cache.length() + " exceeds its capacity of "
              + cache.capacity() + ".");
    }
    return transformer.forward(cache, tokens, new int[] {tokens.length - 1})[0];
  }

  @Override
  public synchronized void calibrateActivations(int[][] rows) {
    checkOpen();
    if (quantizer == null) {
      return;
    }
    if (rows.length == 0) {
      throw invalid("calibration needs at least one row of tokens");
    }
    for (int[] row : rows) {
      checkTokens(spec, row, 0);
    }
    quantizer.startCalibration();
    try {
      for (int[] row : rows) {
        transformer.forward(new KvCache(spec.layers(), spec.kvDim(), row.length), row, new int[0]);
      }
    } finally {
      quantizer.finishCalibration();
    }
  }

  @Override
  public synchronized @Nullable ActivationScales activationScales() {
    checkOpen();
    return quantizer == null ? null : quantizer.scales();
  }

  @Override
  public synchronized void restoreActivationScales(@Nullable ActivationScales scales) {
    checkOpen();
    if (quantizer == null) {
      return;
    }
    try {
      quantizer.restore(scales);
    } catch (IllegalArgumentException e) {
      throw invalid("the activation scales to restore are not this model's: " + e.getMessage());
    }
  }

  /** Static activation scales not set yet: calibrate on this first input (see {@link ActivationQuantizer}). */
  private void calibrateIfNeeded(int[][] rows) {
    if (quantizer != null && !quantizer.calibrated()) {
      synchronized (this) {
        if (!quantizer.calibrated()) {
          calibrateActivations(rows);
        }
      }
    }
  }

  /** The static scale of one quantized activation tensor (NaN before calibration or without quantization). */
  float activationScale(int layer, ActivationPoint point) {
    return quantizer == null ? Float.NaN : quantizer.scale(layer, point);
  }

  @Override
  public MlpCapture captureMlp(int[][] rows, int layer, int[] positions) {
    checkOpen();
    checkLayer(spec, layer);
    sameLength(rows.length, positions.length, "positions");
    calibrateIfNeeded(rows);
    float[][] keys = new float[rows.length][];
    float[][] outputs = new float[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      checkTokens(spec, rows[r], 0);
      checkPosition(rows[r], positions[r], r);
      MlpHook hook = new MlpHook(layer, positions[r], null);
      keys[r] = hook.recordKey(spec.intermediateSize());
      outputs[r] = hook.recordMlpOutput(spec.hiddenSize());
      // Layers after the captured one are not needed.
      transformer.run(new KvCache(spec.layers(), spec.kvDim(), rows[r].length), transformer.embed(rows[r]),
          rows[r].length, 0, layer + 1, hook, new int[0]);
    }
    return new MlpCapture(keys, outputs);
  }

  @Override
  public float[][] captureKeys(int[] row, int layer) {
    checkOpen();
    checkLayer(spec, layer);
    checkTokens(spec, row, 0);
    calibrateIfNeeded(new int[][] {row});
    int ff = spec.intermediateSize();
    MlpHook hook = new MlpHook(layer, 0, null);
    float[] allKeys = hook.recordAllKeys(row.length, ff);
    transformer.run(new KvCache(spec.layers(), spec.kvDim(), row.length), transformer.embed(row), row.length, 0,
        layer + 1, hook, new int[0]);
    float[][] out = new float[row.length][];
    for (int t = 0; t < row.length; t++) {
      out[t] = Arrays.copyOfRange(allKeys, t * ff, (t + 1) * ff);
    }
    return out;
  }

  @Override
  public PrefixState buildPrefix(int[][] rows, int layer, int[] injectAt) {
    checkOpen();
    checkLayer(spec, layer);
    sameLength(rows.length, injectAt.length, "inject positions");
    calibrateIfNeeded(rows);
    int d = spec.hiddenSize();
    CpuPrefixState.Row[] out = new CpuPrefixState.Row[rows.length];
    for (int r = 0; r < rows.length; r++) {
      int[] row = rows[r];
      checkTokens(spec, row, 0);
      checkPosition(row, injectAt[r], r);
      int s = injectAt[r];
      MlpHook hook = new MlpHook(layer, s, null);
      float[] mlpOutput = hook.recordMlpOutput(d);
      float[] residualBefore = hook.recordResidualBefore(d);
      float[] residualAfter = hook.recordResidualAfter(row.length, d);
      // Resumes put one segment per direction after the prefix, so the cache may grow past the row's length.
      KvCache cache = new KvCache(spec.layers(), spec.kvDim(), Integer.MAX_VALUE / spec.kvDim());
      transformer.run(cache, transformer.embed(row), row.length, 0, spec.layers(), hook, new int[0]);
      float[] suffix = Arrays.copyOfRange(residualAfter, s * d, row.length * d);
      cache.truncateAndTrim(s); // every resume recomputes the positions from s on
      out[r] = new CpuPrefixState.Row(cache, s, row.length, suffix, residualBefore, mlpOutput);
    }
    return new CpuPrefixState(this, layer, out);
  }

  /**
   * Receives the logits at position {@code k} of row {@code row} for one delta, {@code logits[from .. from + vocab)},
   * as soon as they are computed, for every delta of a row in order, {@code k} in order within each; the array is
   * reused once this returns.
   */
  @FunctionalInterface
  private interface PositionLogits {
    void accept(int delta, int row, int k, float[] logits, int from);
  }

  /** A sink that keeps every position's logits in {@code out[delta][row][k]}. */
  private PositionLogits keep(float[][][][] out, int[][] logitPositions) {
    int vocab = spec.vocabSize();
    for (float[][][] perRow : out) {
      for (int r = 0; r < perRow.length; r++) {
        perRow[r] = new float[logitPositions[r].length][];
      }
    }
    return (dir, r, k, logits, from) -> out[dir][r][k] = Arrays.copyOfRange(logits, from, from + vocab);
  }

  /** A sink that adds each position's loss terms to its point, so that the logits of a step never exist at once. */
  private PositionLogits evaluate(LossRequest request, LossTerms.Point[] points) {
    int vocab = spec.vocabSize();
    return (dir, r, k, logits, from) -> {
      try {
        request.evaluateAt(r, k, logits, from, vocab, points[dir]);
      } catch (IllegalArgumentException e) {
        throw invalid(e.getMessage());
      }
    };
  }

  @Override
  public float[][][][] resume(PrefixState prefix, float[][] deltas, int[][] logitPositions) {
    float[][][][] out = new float[deltas.length][logitPositions.length][][];
    resume(prefix, deltas, logitPositions, keep(out, logitPositions));
    return out;
  }

  /** The loss terms computed here, position by position, so that the full logits of a step never exist at once. */
  @Override
  public LossTerms resumeLoss(PrefixState prefix, float[][] deltas, int[][] logitPositions, LossRequest request) {
    LossTerms.Point[] points = newPoints(deltas.length, logitPositions, request);
    resume(prefix, deltas, logitPositions, evaluate(request, points));
    return new LossTerms(points);
  }

  private void resume(PrefixState prefix, float[][] deltas, int[][] logitPositions, PositionLogits sink) {
    checkOpen();
    if (!(prefix instanceof CpuPrefixState) || ((CpuPrefixState) prefix).owner != this) {
      throw invalid("this prefix state was not built by this model");
    }
    CpuPrefixState state = (CpuPrefixState) prefix;
    CpuPrefixState.Row[] rows = state.live();
    sameLength(rows.length, logitPositions.length, "logit position lists");
    int d = spec.hiddenSize();
    checkDeltas(spec, deltas);
    for (int r = 0; r < rows.length; r++) {
      CpuPrefixState.Row row = rows[r];
      int[] local = new int[logitPositions[r].length];
      for (int k = 0; k < local.length; k++) {
        int p = logitPositions[r][k];
        if (p < row.injectAt || p >= row.length) {
          throw invalid("row " + r + ": logit position " + p + " is outside the resumed positions " + row.injectAt
              + ".." + (row.length - 1));
        }
        local[k] = p - row.injectAt;
      }
      int n = row.length - row.injectAt;
      // All directions of a row in one chunk: one segment per direction over the shared prefix.
      int dirs = deltas.length;
      float[] x = new float[dirs * n * d];
      int[] at = new int[dirs * local.length];
      for (int dir = 0; dir < dirs; dir++) {
        System.arraycopy(row.suffix, 0, x, dir * n * d, n * d);
        for (int i = 0; i < d; i++) {
          x[dir * n * d + i] = row.residualBefore[i] + (row.mlpOutput[i] + deltas[dir][i]);
        }
        for (int k = 0; k < local.length; k++) {
          at[dir * local.length + k] = dir * n + local[k];
        }
      }
      row.cache.truncate(row.injectAt);
      int rowIndex = r;
      int perDelta = local.length;
      transformer.run(row.cache, x, dirs * n, dirs, state.layer + 1, spec.layers(), null, at,
          (i, logits, from) -> sink.accept(i / perDelta, rowIndex, i % perDelta, logits, from));
      row.cache.truncateAndTrim(row.injectAt); // the segments' keys and values are not needed again
    }
  }

  @Override
  public float[][][][] injectForward(
      int[][] rows, int layer, int[] injectAt, float[][] deltas, int[][] logitPositions) {
    float[][][][] out = new float[deltas.length][rows.length][][];
    injectForward(rows, layer, injectAt, deltas, logitPositions, keep(out, logitPositions));
    return out;
  }

  @Override
  public LossTerms injectForwardLoss(int[][] rows, int layer, int[] injectAt, float[][] deltas,
      int[][] logitPositions, LossRequest request) {
    LossTerms.Point[] points = newPoints(deltas.length, logitPositions, request);
    injectForward(rows, layer, injectAt, deltas, logitPositions, evaluate(request, points));
    return new LossTerms(points);
  }

  private void injectForward(int[][] rows, int layer, int[] injectAt, float[][] deltas, int[][] logitPositions,
      PositionLogits sink) {
    checkOpen();
    checkLayer(spec, layer);
    sameLength(rows.length, injectAt.length, "inject positions");
    sameLength(rows.length, logitPositions.length, "logit position lists");
    checkDeltas(spec, deltas);
    calibrateIfNeeded(rows);
    for (int r = 0; r < rows.length; r++) {
      checkTokens(spec, rows[r], 0);
      checkPosition(rows[r], injectAt[r], r);
      for (int p : logitPositions[r]) {
        checkPosition(rows[r], p, r);
      }
      for (int dir = 0; dir < deltas.length; dir++) {
        MlpHook hook = new MlpHook(layer, injectAt[r], deltas[dir]);
        int delta = dir;
        int row = r;
        transformer.run(new KvCache(spec.layers(), spec.kvDim(), rows[r].length), transformer.embed(rows[r]),
            rows[r].length, 1, 0, spec.layers(), hook, logitPositions[r],
            (k, logits, from) -> sink.accept(delta, row, k, logits, from));
      }
    }
  }

  private LossTerms.Point[] newPoints(int deltas, int[][] logitPositions, LossRequest request) {
    sameLength(logitPositions.length, request.rows(), "rows of labels");
    for (int r = 0; r < logitPositions.length; r++) {
      sameLength(logitPositions[r].length, request.labels(r).length, "labels of row " + r);
    }
    LossTerms.Point[] points = new LossTerms.Point[deltas];
    for (int p = 0; p < deltas; p++) {
      points[p] = request.newPoint();
    }
    return points;
  }

  @Override
  public synchronized long applyRankOne(int layer, float[] left, float[] right) {
    checkOpen();
    checkLayer(spec, layer);
    if (left.length != spec.hiddenSize() || right.length != spec.intermediateSize()) {
      throw invalid("a rank-one update of W_down needs left of length " + spec.hiddenSize() + " and right of length "
          + spec.intermediateSize() + ", got " + left.length + " and " + right.length);
    }
    checkFinite(left, "left");
    checkFinite(right, "right");
    long handle = ++rankOneHandles;
    transformer.addRankOne(layer, handle, left, right);
    return handle;
  }

  @Override
  public synchronized void revertRankOne(long handle) {
    checkOpen();
    if (transformer.removeRankOne(handle)) {
      return;
    }
    throw invalid("no rank-one update with handle " + handle + " is applied");
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this model was closed");
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
