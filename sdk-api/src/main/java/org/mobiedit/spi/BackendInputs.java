package org.mobiedit.spi;

import java.util.Arrays;
import org.mobiedit.api.MobiEditException;

/**
 * The checks every {@link BackendModel} makes on what it is given, with the SPI's reasons and messages: a backend
 * calls them where input enters, so that bad input never reaches a kernel or a graph, and every backend reports it
 * the same way ({@code INVALID_REQUEST}, or {@code CONTEXT_OVERFLOW} for rows longer than the context).
 */
public final class BackendInputs {
  private BackendInputs() {}

  /**
   * A row of token ids to append after {@code already} positions: not empty, within the context, every id in the
   * vocabulary.
   */
  public static void checkTokens(ModelSpec spec, int[] tokens, int already) {
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

  /** A decoder layer of the model. */
  public static void checkLayer(ModelSpec spec, int layer) {
    if (layer < 0 || layer >= spec.layers()) {
      throw invalid("layer " + layer + " does not exist: the model has layers 0.." + (spec.layers() - 1));
    }
  }

  /** A position inside row {@code r}. */
  public static void checkPosition(int[] row, int p, int r) {
    if (p < 0 || p >= row.length) {
      throw invalid("row " + r + " has " + row.length + " tokens; position " + p + " is outside it");
    }
  }

  /** Deltas to inject: each of the hidden size, every value finite. */
  public static void checkDeltas(ModelSpec spec, float[][] deltas) {
    for (float[] delta : deltas) {
      if (delta.length != spec.hiddenSize()) {
        throw invalid("a delta must have the hidden size " + spec.hiddenSize() + ", got " + delta.length);
      }
      checkFinite(delta, "delta");
    }
  }

  /** No NaN or infinity in {@code v}. */
  public static void checkFinite(float[] v, String what) {
    for (float f : v) {
      if (!Float.isFinite(f)) {
        throw invalid(what + " contains NaN or infinity");
      }
    }
  }

  /** One entry of {@code what} per row. */
  public static void sameLength(int rows, int other, String what) {
    if (rows != other) {
      throw invalid(rows + " rows but " + other + " " + what);
    }
  }

  /** An {@code INVALID_REQUEST} with this message. */
  public static MobiEditException invalid(String message) {
    return new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, message);
  }
}
