package org.mobiedit.core.internal.edit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.InferenceSequence;
import org.mobiedit.spi.MemoryUsage;
import org.mobiedit.spi.MlpCapture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.PrefixState;

/**
 * A hand-made backend model whose edit can be followed on paper. Every row has the same MLP key {@code K} and the same
 * MLP output {@code T0} at the edited layer. At a label position of a rewrite row, token 0 (the unedited answer) has
 * logit {@link #RIVAL}, the target token {@code w · (δ + Σ r (u·K))} (the injected correction plus what the applied
 * rank-one updates add there), and every other token 0. The essence row's logits are all 0. So the target becomes
 * the argmax exactly when that sum exceeds {@link #RIVAL} along {@code w}, and the loss falls as {@code δ} moves
 * along {@code w}.
 */
final class ToyModel implements BackendModel {
  static final int HIDDEN = 4;
  static final int INTERMEDIATE = 3;
  static final float[] K = {3, 0, 4};
  static final float[] T0 = {1, 1, 1, 1};
  static final float[] W = {0.5f, 0.5f, 0.5f, 0.5f};
  static final float RIVAL = 1;

  private final int[] target;
  private final Precision precision;
  private final Map<Long, float[][]> applied = new LinkedHashMap<>();
  private long handles;
  final List<String> calls = new ArrayList<>();

  /** @param target the edit's target ids (the logit that moves at label {@code j} is {@code target[j]}'s) */
  ToyModel(int[] target, Precision precision) {
    this.target = target;
    this.precision = precision;
  }

  ToyModel(int[] target) {
    this(target, Precision.FP32);
  }

  int appliedUpdates() {
    return applied.size();
  }

  @Override
  public ModelSpec spec() {
    return HandMadeEdit.spec(HIDDEN, INTERMEDIATE);
  }

  @Override
  public Precision precision() {
    return precision;
  }

  @Override
  public MemoryUsage memory() {
    throw new UnsupportedOperationException();
  }

  @Override
  public InferenceSequence newSequence(int capacity) {
    throw new UnsupportedOperationException("the toy samples no text: use zero context templates");
  }

  @Override
  public void calibrateActivations(int[][] rows) {
    calls.add("calibrateActivations");
  }

  @Override
  public float[][][] forward(int[][] rows, int[][] logitPositions) {
    calls.add("forward");
    return logits(rows, logitPositions, new float[HIDDEN]);
  }

  @Override
  public MlpCapture captureMlp(int[][] rows, int layer, int[] positions) {
    calls.add("captureMlp");
    float[][] keys = new float[rows.length][];
    float[][] outputs = new float[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      keys[r] = K.clone();
      outputs[r] = T0.clone();
    }
    return new MlpCapture(keys, outputs);
  }

  @Override
  public float[][][][] injectForward(int[][] rows, int layer, int[] injectAt, float[][] deltas,
      int[][] logitPositions) {
    calls.add("injectForward");
    float[][][][] out = new float[deltas.length][][][];
    for (int p = 0; p < deltas.length; p++) {
      out[p] = logits(rows, logitPositions, deltas[p]);
    }
    return out;
  }

  @Override
  public PrefixState buildPrefix(int[][] rows, int layer, int[] injectAt) {
    calls.add("buildPrefix");
    return new Prefix(rows, layer);
  }

  @Override
  public float[][][][] resume(PrefixState prefix, float[][] deltas, int[][] logitPositions) {
    calls.add("resume");
    float[][][][] out = new float[deltas.length][][][];
    for (int p = 0; p < deltas.length; p++) {
      out[p] = logits(((Prefix) prefix).rows, logitPositions, deltas[p]);
    }
    return out;
  }

  private final class Prefix implements PrefixState {
    final int[][] rows;
    final int layer;

    Prefix(int[][] rows, int layer) {
      this.rows = rows;
      this.layer = layer;
    }

    @Override
    public int layer() {
      return layer;
    }

    @Override
    public int rows() {
      return rows.length;
    }

    @Override
    public void close() {
      calls.add("closePrefix");
    }
  }

  @Override
  public long applyRankOne(int layer, float[] left, float[] right) {
    calls.add("applyRankOne");
    applied.put(++handles, new float[][] {left.clone(), right.clone()});
    return handles;
  }

  @Override
  public void revertRankOne(long handle) {
    calls.add("revertRankOne");
    applied.remove(handle);
  }

  @Override
  public void close() {}

  /** Rows whose label count equals the target's are rewrite rows; the essence row has one label. */
  private float[][][] logits(int[][] rows, int[][] positions, float[] delta) {
    double s = dot(W, delta);
    for (float[][] u : applied.values()) {
      s += dot(W, u[0]) * dot(u[1], K);
    }
    float[][][] out = new float[rows.length][][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = new float[positions[r].length][HandMadeEdit.VOCAB];
      if (positions[r].length == target.length) {
        for (int j = 0; j < target.length; j++) {
          out[r][j][0] = RIVAL;
          out[r][j][target[j]] = (float) s;
        }
      }
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
