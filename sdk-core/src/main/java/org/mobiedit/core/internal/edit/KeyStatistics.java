package org.mobiedit.core.internal.edit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;
import java.util.stream.IntStream;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;

/**
 * The second moment {@code C = E[k kᵀ]} of one layer's MLP keys (the inputs of {@code W_down}) over sample text,
 * behind ROME's update direction {@code u = C⁻¹k̄}: the write then moves the keys the model actually sees as little
 * as it can, which is what keeps other facts (locality). The paper's reference runs with {@code C = I}
 * ({@code u = k̄/|k̄|}); this is the option the shared spec allows, on in {@link org.mobiedit.api.EditOptions#recommended()}.
 *
 * <p>Collected from the model's own seeded samples (no corpus needed). Memory while collecting and solving:
 * {@code 8·d_ff²} bytes (1.4 MB for stories260K, 190 MB for a 0.5B model).
 */
public final class KeyStatistics {
  private static final String[] STARTS = {"The", "Once upon a time", "In", "A", "He", "She", "It", "They"};
  private static final int TOP_K = 40;

  private final int layer;
  private final int size;
  private final long count;
  /** Row-major {@code size × size}, the mean of {@code k kᵀ}. */
  private final double[] moment;
  private double[] factor; // Cholesky factor of the regularised moment, computed on first use
  /** The most bytes of kept solves (two vectors each). */
  static final long SOLVED_BYTES = 32L << 20;
  private final Map<Vector, double[]> solved;
  private double factorRidge = Double.NaN;

  private KeyStatistics(int layer, int size, long count, double[] moment) {
    int most = (int) Math.max(16, SOLVED_BYTES / (16L * size));
    this.solved = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Vector, double[]> eldest) {
        return size() > most;
      }
    };
    this.layer = layer;
    this.size = size;
    this.count = count;
    this.moment = moment;
  }

  public int layer() {
    return layer;
  }

  /** Keys the statistics are over. */
  public long count() {
    return count;
  }

  /**
   * Samples {@code sequences} texts of {@code tokens} tokens from the model (top-40, seeded, one start word each): the
   * texts every layer's statistics are collected over ({@link #over}), so an editor that writes at several layers
   * generates them once, and under static activation quantization an edit re-captures the keys of the same texts
   * under its own calibration instead of generating again.
   */
  public static List<int[]> sampleTexts(BackendModel model, Tokenizer tok, int sequences, int tokens, long seed) {
    return sampleTexts(model, tok, sequences, tokens, seed, drawn -> { });
  }

  /** As {@link #sampleTexts(BackendModel, Tokenizer, int, int, long)}, telling {@code progress} each text drawn. */
  public static List<int[]> sampleTexts(BackendModel model, Tokenizer tok, int sequences, int tokens, long seed,
      IntConsumer progress) {
    if (sequences < 1 || tokens < 1) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Key statistics need at least one sequence of at least one token.");
    }
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L);
    List<int[]> texts = new ArrayList<>(sequences);
    for (int s = 0; s < sequences; s++) {
      int[] start = tok.encodeForModel(STARTS[s % STARTS.length]);
      int length = Math.min(model.spec().contextLength(), start.length + tokens);
      int[] row = Arrays.copyOf(start, length);
      int[] drawn = ContextTemplates.sample(model, start, length - start.length, random, TOP_K);
      System.arraycopy(drawn, 0, row, start.length, drawn.length);
      texts.add(row);
      progress.accept(s + 1);
    }
    return List.copyOf(texts);
  }

  /** The statistics of the keys of {@code layer} at every position of {@code texts}, as the model has them now. */
  public static KeyStatistics over(BackendModel model, int layer, List<int[]> texts) {
    int size = model.spec().intermediateSize();
    double[] sum = new double[size * size];
    long n = 0;
    for (int[] row : texts) {
      for (float[] k : model.captureKeys(row, layer)) {
        accumulate(sum, k, size);
        n++;
      }
    }
    return mean(layer, size, n, sum);
  }

  /**
   * The tokens whose keys make a layer's vocabulary statistics ({@link #overVocabulary}): every id of a vocabulary of
   * {@code vocabSize} but the beginning-of-text one, or {@code most} of them evenly spaced when there are more.
   */
  public static int[] vocabularyTokens(int vocabSize, OptionalInt bos, int most) {
    int[] all = IntStream.range(0, vocabSize).filter(t -> !bos.isPresent() || t != bos.getAsInt()).toArray();
    if (all.length <= most) {
      return all;
    }
    int[] picked = new int[most];
    for (int i = 0; i < most; i++) {
      picked[i] = all[(int) ((long) i * all.length / most)];
    }
    return picked;
  }

  /** Rows per batched capture of vocabulary keys. */
  private static final int VOCABULARY_BATCH = 256;

  /**
   * The statistics of the key each of {@code tokens} has at {@code layer} when it starts a text (right after the
   * beginning-of-text token when {@code bos} is given): every word as the layer sees it on its own, each once, and so
   * every subject's name, which sampled text holds only a few times among tens of thousands of keys. One two-token
   * pass per token, batched.
   */
  public static KeyStatistics overVocabulary(BackendModel model, OptionalInt bos, int layer, int[] tokens) {
    int size = model.spec().intermediateSize();
    double[] sum = new double[size * size];
    forEachVocabularyKey(model, bos, layer, tokens, (k, i) -> accumulate(sum, k, size));
    return mean(layer, size, tokens.length, sum);
  }

  /**
   * Hands {@code action} the key each of {@code tokens} has at {@code layer} when it starts a text, with the token's
   * index in {@code tokens}, in order: one two-token pass per token, {@value #VOCABULARY_BATCH} rows per capture.
   */
  static void forEachVocabularyKey(BackendModel model, OptionalInt bos, int layer, int[] tokens,
      ObjIntConsumer<float[]> action) {
    for (int from = 0; from < tokens.length; from += VOCABULARY_BATCH) {
      int n = Math.min(VOCABULARY_BATCH, tokens.length - from);
      int[][] rows = new int[n][];
      int[] positions = new int[n];
      for (int i = 0; i < n; i++) {
        int t = tokens[from + i];
        rows[i] = bos.isPresent() ? new int[] {bos.getAsInt(), t} : new int[] {t};
        positions[i] = rows[i].length - 1;
      }
      float[][] keys = model.captureMlp(rows, layer, positions).keys();
      for (int i = 0; i < n; i++) {
        action.accept(keys[i], from + i);
      }
    }
  }

  /**
   * These statistics with {@code vocabulary}'s added at {@code weight} of their own scale,
   * {@code C + w·(tr C / tr V)·V} ({@link org.mobiedit.api.EditOptions#getVocabularyKeyWeight()}); these themselves
   * when {@code weight} is 0.
   */
  KeyStatistics withVocabulary(KeyStatistics vocabulary, double weight) {
    if (weight == 0) {
      return this;
    }
    if (vocabulary.size != size || vocabulary.layer != layer) {
      throw new IllegalArgumentException("vocabulary statistics of layer " + vocabulary.layer + ", size "
          + vocabulary.size + " for layer " + layer + ", size " + size);
    }
    double scale = weight * trace() / Math.max(vocabulary.trace(), Double.MIN_NORMAL);
    double[] mixed = new double[size * size];
    for (int i = 0; i < size; i++) {
      for (int j = 0; j <= i; j++) {
        mixed[i * size + j] = moment[i * size + j] + scale * vocabulary.moment[i * size + j];
      }
    }
    return new KeyStatistics(layer, size, count, mixed);
  }

  private double trace() {
    double trace = 0;
    for (int i = 0; i < size; i++) {
      trace += moment[i * size + i];
    }
    return trace;
  }

  /** {@link #sampleTexts} then {@link #over}: one layer's statistics from texts of its own. */
  public static KeyStatistics sample(BackendModel model, Tokenizer tok, int layer, int sequences, int tokens,
      long seed) {
    return over(model, layer, sampleTexts(model, tok, sequences, tokens, seed));
  }

  /** The moment's lower triangle, row by row ({@code size·(size+1)/2} values): what a prepared file stores. */
  public double[] lowerTriangle() {
    double[] out = new double[(int) ((long) size * (size + 1) / 2)];
    int at = 0;
    for (int i = 0; i < size; i++) {
      System.arraycopy(moment, i * size, out, at, i + 1);
      at += i + 1;
    }
    return out;
  }

  /** Statistics of {@code count} keys whose moment's lower triangle is {@code triangle} (a prepared file's). */
  public static KeyStatistics fromLowerTriangle(int layer, int size, long count, double[] triangle) {
    if (triangle.length != (long) size * (size + 1) / 2) {
      throw new IllegalArgumentException(triangle.length + " values for the lower triangle of size " + size);
    }
    double[] moment = new double[size * size];
    int at = 0;
    for (int i = 0; i < size; i++) {
      System.arraycopy(triangle, at, moment, i * size, i + 1);
      at += i + 1;
    }
    return new KeyStatistics(layer, size, count, moment);
  }

  /** Statistics over given keys (all of length {@code size}). */
  static KeyStatistics fromKeys(int layer, int size, List<float[]> keys) {
    double[] sum = new double[size * size];
    for (float[] k : keys) {
      accumulate(sum, k, size);
    }
    return mean(layer, size, keys.size(), sum);
  }

  /** The statistics of {@code count} keys whose products were summed into {@code sum} (divided in place). */
  private static KeyStatistics mean(int layer, int size, long count, double[] sum) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= count;
    }
    return new KeyStatistics(layer, size, count, sum);
  }

  private static void accumulate(double[] sum, float[] k, int size) {
    for (int i = 0; i < size; i++) {
      double ki = k[i];
      if (ki == 0) {
        continue;
      }
      int row = i * size;
      for (int j = 0; j <= i; j++) {
        sum[row + j] += ki * k[j];
      }
    }
    // only the lower triangle is accumulated; the solve reads nothing else
  }

  /**
   * {@code (C + ridge·mean(diag C)·I)⁻¹ k̄}, normalised: the update direction. The ridge keeps the solve stable when
   * fewer samples than dimensions were seen, or for directions the samples never took.
   */
  public float[] direction(float[] meanKey, double ridge) {
    return unit(solve(KeyDirection.toDouble(meanKey), ridge));
  }

  /**
   * {@code (C + ridge·mean(diag C)·I)⁻¹ v}: the metric in which updates move the sampled keys least. Solves are kept
   * (by value, most recently used first, up to {@link #SOLVED_BYTES}): an editor protecting its earlier edits solves
   * for each of their keys at every new edit, and those keys do not change.
   */
  synchronized double[] solve(double[] v, double ridge) {
    if (v.length != size) {
      throw new IllegalArgumentException("a key of " + v.length + " values for statistics of size " + size);
    }
    if (factor == null || factorRidge != ridge) {
      factor = cholesky(ridge);
      factorRidge = ridge;
      solved.clear();
    }
    Vector kept = new Vector(v.clone());
    double[] known = solved.get(kept);
    if (known != null) {
      return known.clone();
    }
    double[] x = Cholesky.solve(factor, v, size);
    solved.put(kept, x.clone());
    return x;
  }

  /** A vector as a map key: equal by value. */
  private record Vector(double[] values) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Vector other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }
  }

  /**
   * {@code uᵀCu}: the mean squared response {@code E[(u·k)²]} of the sampled keys to a direction {@code u}, which is
   * what an update along {@code u} disturbs them by, per unit of its left vector.
   */
  double meanSquaredResponse(float[] u) {
    // the moment holds its lower triangle only: each off-diagonal product counts twice
    double sum = 0;
    for (int i = 0; i < size; i++) {
      double row = 0;
      for (int j = 0; j < i; j++) {
        row += moment[i * size + j] * u[j];
      }
      sum += u[i] * (2 * row + moment[i * size + i] * u[i]);
    }
    return sum;
  }

  /** {@code v / |v|} in float: the update direction when {@code C = I} (the paper's {@code u = k̄/|k̄|}). */
  static float[] unit(double[] v) {
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = (float) (v[i] / norm);
    }
    return u;
  }

  private double[] cholesky(double ridge) {
    double trace = trace();
    double add = ridge * Math.max(trace / size, Double.MIN_NORMAL);
    return Cholesky.factor(moment, size, add, (i, v) -> {
      if (!(v > 0)) {
        throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
            "The key statistics of layer " + layer + " are not positive definite (" + v + " at " + i
                + "): raise the ridge.");
      }
      return v;
    });
  }
}
