package org.mobiedit.spi;

import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.numerics.ActivationScales;

/**
 * A model loaded on a backend, ready to run forward passes.
 *
 * <p>Thread safety: {@link #forward} may be called concurrently from several threads; each
 * {@link InferenceSequence} is confined to one thread at a time. {@link #close()} is idempotent; using the model or
 * its sequences afterwards throws {@link IllegalStateException}.
 */
public interface BackendModel extends AutoCloseable {

  ModelSpec spec();

  Precision precision();

  /** What this model holds in memory. */
  MemoryUsage memory();

  /**
   * Whether this model still reads the {@link ModelWeights} it was loaded from after {@link Backend#load} has returned,
   * so that the SDK must keep the model's files mapped for as long as the model is open. The default, {@code false},
   * says the backend copied or converted every tensor it needs during the load: the SDK then unmaps the files at
   * once, their pages stop counting against the process, and reading a tensor afterwards fails. A backend that writes
   * graphs from the weights on demand (backend-litert) or runs from the mapped memory returns {@code true}, and then
   * reports those files in {@link MemoryUsage#mappedBytes()}.
   *
   * <p>Constant for the life of the model; safe from any thread.
   */
  default boolean keepsModelFilesMapped() {
    return false;
  }

  /**
   * Runs a batch of independent token rows from position 0 (no padding enters the math: each row attends only to
   * its own tokens) and returns logits only where asked.
   *
   * @param rows token ids per row; every id in {@code [0, vocabSize)}, every row non-empty and no longer than the
   *     context
   * @param logitPositions per row, the positions (indexes into that row) whose next-token logits are wanted
   * @return {@code result[row][k]} = the {@code vocabSize} logits at {@code logitPositions[row][k]}
   */
  float[][][] forward(int[][] rows, int[][] logitPositions);

  /**
   * Starts an incremental sequence with a key/value cache of {@code capacity} positions (at most the context
   * length), for generation.
   */
  InferenceSequence newSequence(int capacity);

  /**
   * Sets the static activation scales of a model loaded with {@link Precision#quantizesActivations()}: runs the rows
   * in float, observes the largest magnitude at every quantized tensor, and quantizes with those scales from then on
   * (values beyond the range saturate). A model that has never been calibrated calibrates on the input of its first
   * forward pass. Not to be called while a forward pass runs. Required of backends that offer
   * {@link Capability#PRECISION_INT8_A8} or {@link Capability#PRECISION_INT8_A16}; a no-op for other precisions.
   */
  default void calibrateActivations(int[][] rows) {
    if (precision().quantizesActivations()) {
      throw unsupported("calibrateActivations");
    }
  }

  /**
   * The static activation scales in force, so that they can be put back with {@link #restoreActivationScales}:
   * {@code null} before the first calibration and at precisions whose activations are not quantized. An editor
   * calibrates on every edit's own rows, and puts back the scales it found when the edit fails, is cancelled, writes
   * nothing, or is undone, so that the model is bit for bit as it was. Required, with
   * {@link #restoreActivationScales}, of backends that offer {@link Capability#PRECISION_INT8_A8} or
   * {@link Capability#PRECISION_INT8_A16}.
   */
  default @Nullable ActivationScales activationScales() {
    if (precision().quantizesActivations()) {
      throw unsupported("activationScales");
    }
    return null;
  }

  /**
   * Puts back scales read by {@link #activationScales()}: afterwards every pass computes as it did when they were
   * read ({@code null}: not calibrated, so the next pass calibrates on its own input). Refuses scales on another grid
   * or for another number of layers with {@link MobiEditException.Reason#INVALID_REQUEST}. A no-op at precisions whose
   * activations are not quantized. Not to be called while a forward pass runs.
   */
  default void restoreActivationScales(@Nullable ActivationScales scales) {
    if (precision().quantizesActivations()) {
      throw unsupported("restoreActivationScales");
    }
  }

  /**
   * Runs rows from position 0 and reads, at decoder layer {@code layer}, the MLP key and output at one position per
   * row. Optional: {@link Capability#LAYER_CAPTURE}.
   */
  default MlpCapture captureMlp(int[][] rows, int layer, int[] positions) {
    throw unsupported("captureMlp");
  }

  /**
   * The MLP keys (inputs of {@code W_down}) of {@code layer} at every position of one row run from position 0,
   * {@code [position][intermediateSize]}: the samples of the key statistics behind {@code u = C⁻¹k̄}. Optional:
   * {@link Capability#LAYER_CAPTURE}.
   */
  default float[][] captureKeys(int[] row, int layer) {
    throw unsupported("captureKeys");
  }

  /**
   * Runs every row once with nothing injected and keeps what an injection at {@code layer}, position
   * {@code injectAt[row]}, cannot change. Optional: {@link Capability#RESUME_WITH_INJECTION}.
   */
  default PrefixState buildPrefix(int[][] rows, int layer, int[] injectAt) {
    throw unsupported("buildPrefix");
  }

  /**
   * For every delta (a direction) and every row of the prefix: adds the delta to the MLP output of the prefix's
   * layer at the row's inject position, runs the later layers on the positions from there on only, and returns the
   * logits at {@code logitPositions[row]} (each ≥ the row's inject position). {@code result[delta][row][k]} is the
   * vocabulary's logits at {@code logitPositions[row][k]}. The result equals {@link #injectForward} with the same
   * arguments, bit for bit, on a backend that claims {@link Capability#RESUME_WITH_INJECTION}.
   */
  default float[][][][] resume(PrefixState prefix, float[][] deltas, int[][] logitPositions) {
    throw unsupported("resume");
  }

  /**
   * The same computation as {@link #resume} without a prefix state: every row runs from position 0 for every delta.
   * The reference the prefix cache is checked against.
   */
  default float[][][][] injectForward(
      int[][] rows, int layer, int[] injectAt, float[][] deltas, int[][] logitPositions) {
    throw unsupported("injectForward");
  }

  /**
   * {@link #resume} reduced to what the edit loss needs: for every delta, the terms {@code request} asks for (label
   * log-probabilities at {@code logitPositions}, the KL term at one of them), instead of a full-vocabulary row per
   * position. The engine calls this, not {@link #resume}, in every optimisation step. The default evaluates
   * {@link #resume}'s logits with {@link LossRequest#evaluate}; a backend that computes the terms where its logits
   * are (which saves moving them: on an accelerator that transfer dominates) must return the same numbers, which it
   * does bit for bit by using {@link org.mobiedit.spi.numerics.LogProbabilities} on the same float logits.
   */
  default LossTerms resumeLoss(PrefixState prefix, float[][] deltas, int[][] logitPositions, LossRequest request) {
    return request.evaluate(resume(prefix, deltas, logitPositions));
  }

  /** {@link #injectForward} reduced to the terms of {@code request}, as {@link #resumeLoss} is. */
  default LossTerms injectForwardLoss(int[][] rows, int layer, int[] injectAt, float[][] deltas,
      int[][] logitPositions, LossRequest request) {
    return request.evaluate(injectForward(rows, layer, injectAt, deltas, logitPositions));
  }

  /**
   * Adds {@code left ⊗ right} to {@code W_down} of {@code layer} ({@code left}: hiddenSize, {@code right}:
   * intermediateSize), kept in float whatever the weights' precision; returns a handle for {@link #revertRankOne}.
   * Not to be called while a forward pass runs. Optional: {@link Capability#RANK_ONE_UPDATE}.
   */
  default long applyRankOne(int layer, float[] left, float[] right) {
    throw unsupported("applyRankOne");
  }

  /** Removes a rank-one update exactly (the layer computes as it did before it was applied). */
  default void revertRankOne(long handle) {
    throw unsupported("revertRankOne");
  }

  private static MobiEditException unsupported(String what) {
    return new MobiEditException(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION,
        "This backend does not offer " + what + ": choose a backend whose capabilities include it (backend-cpu"
            + " offers every capability).");
  }

  @Override
  void close();
}
