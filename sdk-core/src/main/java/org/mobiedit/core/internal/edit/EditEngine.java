package org.mobiedit.core.internal.edit;

import java.util.List;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.generate.Sampler;
import org.mobiedit.core.internal.store.StoredEdit;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.MlpCapture;
import org.mobiedit.spi.PrefixState;

/**
 * One MobiEdit edit (see docs/algorithm.md of the shared docs): context templates, key and direction {@code u}, the
 * forward-only search for {@code δ} with cosine-decayed steps and the clamp, early stopping every K steps by
 * checking the candidate rank-one update, and the update {@code W_down += r ⊗ u} kept in float by the backend.
 *
 * <p>The search ({@link #propose}) leaves the model as it found it, whatever happens; writing the update is one
 * separate step after every listener hook has returned, so a failure can never leave part of an edit behind.
 */
public final class EditEngine {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EditEngine.class);
  private final BackendModel model;
  private final Tokenizer tokenizer;
  /** Sample texts and their length behind the key statistics (2,048 keys). */
  private static final int STATISTICS_SEQUENCES = 32;
  private static final int STATISTICS_TOKENS = 64;
  /** Key statistics by layer and seed, collected on first use (so they reflect the model as it was then). */
  private final java.util.Map<java.util.List<Long>, KeyStatistics> statistics = new java.util.HashMap<>();

  public EditEngine(BackendModel model, Tokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** The default edited layer: about 17% of the depth (layer 5 of 36 in the paper's Qwen2.5-3B). */
  public static int defaultLayer(int layers) {
    return Math.max(0, Math.min(layers - 1, (int) Math.round(layers * 0.17)));
  }

  /** Runs the edit and leaves the rank-one update applied; returns its result and the update's handle. */
  public Outcome edit(EditRequest request, EditOptions options) {
    return edit(request, options, EditListener.NONE, () -> false);
  }

  /**
   * As {@link #edit(EditRequest, EditOptions)}, reporting progress and checking {@code cancelled} before every step;
   * a cancelled or failed edit (including an exception thrown by the listener) leaves nothing applied and throws.
   * For tools that keep the handle themselves; an {@link org.mobiedit.api.Editor} records the update instead
   * ({@link MobiEditor}).
   */
  public Outcome edit(EditRequest request, EditOptions options, EditListener listener,
      java.util.function.BooleanSupplier cancelled) {
    Proposal p = propose(request, options, listener, cancelled);
    long handle = p.keep() ? model.applyRankOne(p.result().getLayer(), p.result().getLeftVector(),
        p.result().getRightVector()) : -1;
    return new Outcome(p.result(), handle);
  }

  /**
   * The search of one edit, every listener hook included ({@link EditListener#onFinish} last): the result and
   * whether its update is to be written. The model is exactly as it was when this returns or throws: candidate
   * updates (the early-stopping checks and the final success check) are applied only around one forward pass each
   * and reverted before any listener hook runs, so a listener that throws, a cancellation, a backend failure or a
   * non-finite loss can never leave one behind. Writing the update is the caller's one step
   * ({@link #edit(EditRequest, EditOptions, EditListener, java.util.function.BooleanSupplier)}, or the editor's
   * record of applied edits).
   */
  Proposal propose(EditRequest request, EditOptions options, EditListener listener,
      java.util.function.BooleanSupplier cancelled) {
    long start = System.nanoTime();
    int layers = model.spec().layers();
    int layer = options.getLayer() == null ? defaultLayer(layers) : options.getLayer();
    if (layer < 0 || layer >= layers) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Edit layer " + layer + " does not exist: the model has layers 0.." + (layers - 1) + ".");
    }
    // Refuse a request that cannot fit before anything is tokenized or sampled (the templates come from the model).
    EditBatch.checkFits(tokenizer, request, List.of("{}"), model.spec().contextLength());
    checkCancelled(cancelled, 0);
    boolean calibrate = model.precision().quantizesActivations();
    if (calibrate) {
      // The context templates are sampled from the model, so they must not depend on scales left by earlier
      // work: calibrate on the plain prompt and target first, then on every row of the edit once they exist.
      EditBatch plain = EditBatch.build(tokenizer, request, List.of("{}"), model.spec().contextLength());
      model.calibrateActivations(new int[][] {checkRow(plain)});
    }
    List<String> templates = ContextTemplates.generate(model, tokenizer, options.getContextTemplates(), options.getSeed());
    EditBatch batch = EditBatch.build(tokenizer, request, templates, model.spec().contextLength());
    int rewrite = batch.rewriteRows();
    int[][] contexts = new int[rewrite][];
    int[] lookups = new int[rewrite];
    for (int r = 0; r < rewrite; r++) {
      contexts[r] = batch.context(r);
      lookups[r] = batch.lookup[r];
    }
    if (calibrate) {
      // Static activation scales for this edit, from its own tokens: the rows of the search and the success check.
      int[][] calibration = java.util.Arrays.copyOf(batch.rows, batch.rows.length + 1);
      calibration[batch.rows.length] = checkRow(batch);
      model.calibrateActivations(calibration);
    }
    checkCancelled(cancelled, 0);
    MlpCapture capture = model.captureMlp(contexts, layer, lookups);
    int ff = model.spec().intermediateSize();
    int d = model.spec().hiddenSize();
    double[] mean = new double[ff];
    for (float[] k : capture.keys()) {
      for (int j = 0; j < ff; j++) {
        mean[j] += k[j] / (double) rewrite;
      }
    }
    float[] u;
    if (options.isKeyCovariance()) {
      float[] meanKey = new float[ff];
      for (int j = 0; j < ff; j++) {
        meanKey[j] = (float) mean[j];
      }
      u = statistics(layer, options.getSeed()).direction(meanKey, options.getCovarianceRidge());
    } else {
      u = KeyStatistics.unit(mean);
    }
    float[] kPlain = capture.keys()[0];
    float[] t0 = capture.outputs()[0];
    double kDotU = 0;
    double t0Norm2 = 0;
    for (int j = 0; j < ff; j++) {
      kDotU += (double) kPlain[j] * u[j];
    }
    for (float v : t0) {
      t0Norm2 += (double) v * v;
    }
    int essence = batch.essenceRow();
    float[] essence0 = model.forward(new int[][] {batch.rows[essence]},
        new int[][] {batch.labelPositions[essence]})[0][0];
    EditLoss loss = new EditLoss(batch, essence0, options.getKlWeight(), options.getWeightDecay(), t0Norm2);
    double epsilon = options.isRelativeEpsilon()
        ? options.getEpsilon() * Math.sqrt(t0Norm2 / d)
        : options.getEpsilon();
    if (model.precision() == org.mobiedit.api.Precision.INT8_A8 && !options.isRelativeEpsilon()) {
      LOG.warn("int8-a8 with an absolute epsilon of {}: the perturbations are smaller than one rounding step of the"
          + " int8 activations and the gradient estimate is mostly noise; use relativeEpsilon(true) with epsilon 1"
          + " (--relative-epsilon --epsilon 1).", epsilon);
    }
    ForwardOnlyEstimator estimator = new ForwardOnlyEstimator(options.getDirections(), epsilon, options.getSeed());
    long forwardPasses = rewrite + 1L + 1;
    float[] delta = new float[d];
    float[] curve = new float[options.getMaxSteps()];
    int steps = 0;
    EditResult.StopReason reason = EditResult.StopReason.MAX_STEPS;
    double clamp = options.getClampFactor() * Math.sqrt(t0Norm2);
    listener.onStart(request, options.getMaxSteps());
    if (rewritten(batch)) {
      // The model already answers with the new object: nothing to write.
      EditResult already = EditResult.builder(request).success(true)
          .stopReason(EditResult.StopReason.EARLY_STOP_SUCCESS).steps(0).forwardPasses(forwardPasses + 1)
          .wallMillis((System.nanoTime() - start) / 1_000_000).layer(layer).rankOne(new float[d], u)
          .contextTemplates(templates).build();
      checkCancelled(cancelled, 0);
      listener.onFinish(already);
      return new Proposal(already, false);
    }
    long prefixStart = System.nanoTime();
    PrefixState prefix = options.isPrefixCache() ? model.buildPrefix(batch.rows, layer, batch.lookup) : null;
    boolean success;
    Throwable failure = null;
    try {
      if (prefix != null) {
        listener.onPrefixCacheBuilt((System.nanoTime() - prefixStart) / 1_000_000);
      }
      for (int step = 0; step < options.getMaxSteps(); step++) {
        checkCancelled(cancelled, step);
        float[][] z = estimator.directions(step, d);
        float[][] points = estimator.points(delta, z);
        float[][][][] logits = evaluate(batch, layer, prefix, points, options.isBatchPerturbations());
        forwardPasses += (long) points.length * batch.rows.length;
        double[] losses = new double[points.length];
        for (int p = 0; p < points.length; p++) {
          losses[p] = loss.value(logits[p], points[p]);
        }
        for (double l : losses) {
          if (!Double.isFinite(l)) {
            throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
                "The edit loss became " + l + " at step " + step + " (overflow in the model's activations);"
                    + " the edit was aborted and the model is unchanged. Try fp32 precision or a smaller"
                    + " learning rate.");
          }
        }
        curve[step] = (float) losses[0];
        double[] g = estimator.estimate(losses, z);
        double eta = options.getLearningRate() * 0.5 * (1 + Math.cos(Math.PI * step / options.getMaxSteps()));
        double dn = 0;
        for (int j = 0; j < d; j++) {
          delta[j] = (float) (delta[j] - eta * g[j]);
          dn += (double) delta[j] * delta[j];
        }
        dn = Math.sqrt(dn);
        if (!Double.isFinite(dn)) {
          throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
              "The edit's search diverged at step " + step + " (its correction δ became " + dn + "); the edit was"
                  + " aborted and the model is unchanged. Try a smaller learning rate or a larger epsilon.");
        }
        if (dn > clamp) {
          float s = (float) (clamp / dn);
          for (int j = 0; j < d; j++) {
            delta[j] *= s;
          }
        }
        steps = step + 1;
        listener.onStep(steps, options.getMaxSteps(), losses[0], forwardPasses);
        if (options.isEarlyStopping() && steps % options.getEarlyStopEvery() == 0) {
          forwardPasses++;
          boolean done = rewrittenWith(batch, layer, left(delta, kDotU), u);
          listener.onEarlyStopCheck(steps, done);
          if (done) {
            reason = EditResult.StopReason.EARLY_STOP_SUCCESS;
            break;
          }
        }
      }
      forwardPasses++;
      success = rewrittenWith(batch, layer, left(delta, kDotU), u);
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      if (prefix != null) {
        closeAfter(prefix, failure);
      }
    }
    EditResult result = EditResult.builder(request)
        .success(success)
        .stopReason(reason)
        .steps(steps)
        .forwardPasses(forwardPasses)
        .wallMillis((System.nanoTime() - start) / 1_000_000)
        .lossCurve(java.util.Arrays.copyOf(curve, steps))
        .layer(layer)
        .rankOne(left(delta, kDotU), u)
        .contextTemplates(templates)
        .build();
    checkCancelled(cancelled, steps);
    listener.onFinish(result);
    return new Proposal(result, success || options.isKeepUnsuccessful());
  }

  /** Closes the prefix state; a failure to close does not hide the failure that ended the search. */
  private static void closeAfter(PrefixState prefix, @org.jspecify.annotations.Nullable Throwable failure) {
    try {
      prefix.close();
    } catch (RuntimeException | Error e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
  }

  private static void checkCancelled(java.util.function.BooleanSupplier cancelled, int steps) {
    if (cancelled.getAsBoolean()) {
      throw new MobiEditException(MobiEditException.Reason.CANCELLED,
          "The edit was cancelled after " + steps + " steps; the model is unchanged.");
    }
  }

  /**
   * The key statistics of a layer, sampled from the model once and kept. With static activation quantization the
   * keys depend on the edit's calibration, so they are sampled again for every edit (same seed: deterministic).
   */
  private KeyStatistics statistics(int layer, long seed) {
    if (model.precision().quantizesActivations()) {
      return KeyStatistics.sample(model, tokenizer, layer, STATISTICS_SEQUENCES, STATISTICS_TOKENS, seed);
    }
    synchronized (statistics) {
      return statistics.computeIfAbsent(java.util.List.of((long) layer, seed),
          k -> KeyStatistics.sample(model, tokenizer, layer, STATISTICS_SEQUENCES, STATISTICS_TOKENS, seed));
    }
  }

  /** The logits at every point of a step: one backend call, or one call per point (to measure batching). */
  private float[][][][] evaluate(EditBatch batch, int layer, @org.jspecify.annotations.Nullable PrefixState prefix,
      float[][] points, boolean batched) {
    if (batched) {
      return prefix != null
          ? model.resume(prefix, points, batch.labelPositions)
          : model.injectForward(batch.rows, layer, batch.lookup, points, batch.labelPositions);
    }
    float[][][][] out = new float[points.length][][][];
    for (int p = 0; p < points.length; p++) {
      out[p] = evaluate(batch, layer, prefix, new float[][] {points[p]}, true)[0];
    }
    return out;
  }

  /** ROME's update with {@code v* = t0 + δ}: {@code r = (v* − o_p)/(k_p·u) = δ/(k_p·u)}, written as {@code W += r ⊗ u}. */
  private static float[] left(float[] delta, double kDotU) {
    float[] r = new float[delta.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) (delta[i] / kDotU);
    }
    return r;
  }

  /**
   * Applies the candidate update {@code left ⊗ u} for one success check and reverts it before returning or
   * throwing, so the model is unchanged either way. A candidate that could not be saved and loaded again (not
   * finite, or beyond {@link StoredEdit#MAX_UPDATE_NORM}) aborts the edit instead of reaching the model.
   */
  private boolean rewrittenWith(EditBatch batch, int layer, float[] left, float[] u) {
    String misfit = StoredEdit.misfit(layer, left, u, model.spec());
    if (misfit != null) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
          "The edit's rank-one update went out of range (" + misfit + "): the subject's key is almost orthogonal"
              + " to the update direction at layer " + layer + ". The edit was aborted and the model is unchanged;"
              + " try another layer.");
    }
    long handle = model.applyRankOne(layer, left, u);
    Throwable failure = null;
    try {
      return rewritten(batch);
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      try {
        model.revertRankOne(handle);
      } catch (RuntimeException | Error e) {
        if (failure == null) {
          throw e;
        }
        failure.addSuppressed(e);
      }
    }
  }

  /** Teacher-forced: is every target token the argmax after the plain prompt? */
  private boolean rewritten(EditBatch batch) {
    int[] row = checkRow(batch);
    int[] labels = new int[batch.target.length];
    for (int j = 0; j < labels.length; j++) {
      labels[j] = batch.plainContext.length - 1 + j;
    }
    float[][] logits = model.forward(new int[][] {row}, new int[][] {labels})[0];
    for (int j = 0; j < labels.length; j++) {
      if (Sampler.argmax(logits[j]) != batch.target[j]) {
        return false;
      }
    }
    return true;
  }

  /** The plain prompt followed by all target tokens but the last: the row the success check runs. */
  private static int[] checkRow(EditBatch batch) {
    return EditBatch.concat(batch.plainContext, java.util.Arrays.copyOf(batch.target, batch.target.length - 1));
  }

  /**
   * The result of an edit and the backend handle of its rank-one update (for undo).
   *
   * @param result what the edit did
   * @param handle pass to {@link BackendModel#revertRankOne(long)} to undo it; -1 when nothing was written (the
   *     target was already predicted, or the edit did not succeed and was not kept)
   */
  public record Outcome(EditResult result, long handle) {}

  /**
   * What the search found, with the model unchanged.
   *
   * @param result what the edit did; its layer and vectors are the update to write
   * @param keep whether to write it: false when the model already answered with the new object, or when the edit
   *     did not succeed and {@link EditOptions#isKeepUnsuccessful()} is off
   */
  record Proposal(EditResult result, boolean keep) {}
}
