package org.mobiedit.backend.cpu;

import java.util.Arrays;
import java.util.function.Function;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.InferenceSequence;
import org.mobiedit.spi.MemoryUsage;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.Tensor;
import org.mobiedit.spi.TensorNames;

/**
 * A model loaded on the CPU backend. Weights are converted once at load: to float32 arrays ({@link Precision#FP32})
 * or to int8 with one scale per output channel ({@link Precision#INT8}, including the embedding and LM head); norms
 * and biases stay float. The model's files are not needed afterwards.
 *
 * <p>Thread safety: {@link #forward} may run concurrently; each sequence is confined to one thread at a time.
 */
final class CpuModel implements BackendModel {
  private final ModelSpec spec;
  private final Precision precision;
  private final Transformer transformer;
  private final long weightBytes;
  private volatile boolean closed;

  CpuModel(ModelWeights weights, Precision precision, Workers workers, DotProduct kernel) {
    this.spec = weights.spec();
    this.precision = precision;
    // Each matrix is converted, then its source pages are released, so peak memory stays near one tensor above
    // the converted weights.
    Function<Tensor, Matrix> matrix = t -> {
      Matrix m = precision == Precision.INT8 ? Int8Matrix.of(t, kernel) : FloatMatrix.of(t, kernel);
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
    this.weightBytes = bytes + 4L * outputNorm.length;
    this.transformer = new Transformer(spec, embedding, layers, outputNorm, lmHead, workers, kernel);
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
    return new MemoryUsage(weightBytes, 0);
  }

  @Override
  public float[][][] forward(int[][] rows, int[][] logitPositions) {
    checkOpen();
    if (rows.length != logitPositions.length) {
      throw invalid("forward got " + rows.length + " rows but " + logitPositions.length + " position lists");
    }
    float[][][] out = new float[rows.length][][];
    for (int r = 0; r < rows.length; r++) {
      int[] row = rows[r];
      checkTokens(row, 0);
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
    checkTokens(tokens, cache.length);
    if (cache.length + tokens.length > cache.capacity) {
      throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
          "Appending " + tokens.length + " tokens to a sequence of " + cache.length + " exceeds its capacity of "
              + cache.capacity + ".");
    }
    return transformer.forward(cache, tokens, new int[] {tokens.length - 1})[0];
  }

  private void checkTokens(int[] tokens, int already) {
    if (tokens.length == 0) {
      throw invalid("a row of tokens is empty");
    }
    if (already + tokens.length > spec.contextLength()) {
      throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
          (already + tokens.length) + " positions exceed the model's context of " + spec.contextLength() + ".");
    }
    for (int id : tokens) {
      if (id < 0 || id >= spec.vocabSize()) {
        throw invalid("token id " + id + " is outside the vocabulary (0.." + (spec.vocabSize() - 1) + ") in "
            + Arrays.toString(Arrays.copyOf(tokens, Math.min(tokens.length, 16))));
      }
    }
  }

  private static MobiEditException invalid(String msg) {
    return new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, msg);
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
