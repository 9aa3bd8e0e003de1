package org.mobiedit.core.internal.edit;

import java.util.Arrays;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.LossTerms;

/**
 * The forward-only search for the correction {@code δ} (the shared spec's sections 3 and 4). From {@code δ = 0},
 * every step evaluates the loss at {@code 2q} perturbations of {@code δ} in one batched forward
 * ({@link ForwardOnlyEstimator}, {@link EditLoss}, {@link PrefixCachePlan}), moves {@code δ} against the estimated
 * gradient by the cosine-decayed step size ({@link StepSchedule}) and bounds it ({@link DeltaClamp}); every K steps,
 * and at any step whose evaluations make success likely when so configured, it tries the candidate update
 * ({@link EarlyStopping}, {@link RankOneUpdate}, {@link RewriteCheck}) and stops when the model answers, keeping
 * only as much of {@code δ} as success needs when so configured ({@link EditOptions#isShrinkAfterSuccess()}).
 *
 * <p>Leaves the model unchanged: a candidate is applied only around its one check. A non-finite loss or
 * correction aborts the edit.
 */
final class ValueSearch {
  /** The fractions of a passing {@code δ} tried, smallest first. */
  private static final float[] SHRINK = {0.5f, 0.6f, 0.7f, 0.8f, 0.9f};

  private final int layer;
  private final boolean shrink;
  private final KeyDirection key;
  private final EditLoss loss;
  private final ForwardOnlyEstimator estimator;
  private final StepSchedule schedule;
  private final DeltaClamp clamp;
  private final EarlyStopping stopping;
  private final RewriteCheck rewrite;
  private final int maxSteps;
  private final int hiddenSize;

  ValueSearch(EditOptions options, int layer, int hiddenSize, KeyDirection key, EditLoss loss,
      ForwardOnlyEstimator estimator, RewriteCheck rewrite) {
    this.layer = layer;
    this.shrink = options.isShrinkAfterSuccess();
    this.key = key;
    this.loss = loss;
    this.estimator = estimator;
    this.schedule = new StepSchedule(options.getLearningRate(), options.getMaxSteps());
    this.clamp = DeltaClamp.of(options.getClampFactor(), key.t0NormSquared());
    this.stopping = EarlyStopping.of(options);
    this.rewrite = rewrite;
    this.maxSteps = options.getMaxSteps();
    this.hiddenSize = hiddenSize;
  }

  /**
   * What the search found.
   *
   * @param update the rank-one update for the final {@code δ} (the one an early-stopping check passed, if any)
   * @param lossCurve the loss at every step taken (the mean over the step's perturbed points)
   * @param steps the steps taken
   * @param reason why the search ended
   * @param forwardPasses forward passes of the edit so far (each batched row evaluation counts once per row)
   */
  record Found(RankOneUpdate update, float[] lossCurve, int steps, EditResult.StopReason reason,
      long forwardPasses) {}

  /**
   * Runs the search, reporting every step to {@code listener} and checking {@code cancellation} before each.
   *
   * @param forwardPasses forward passes the edit ran before the search
   */
  Found run(PrefixCachePlan forwards, EditListener listener, Cancellation cancellation, long forwardPasses) {
    float[] delta = new float[hiddenSize];
    float[] curve = new float[maxSteps];
    for (int step = 0; step < maxSteps; step++) {
      cancellation.check(step);
      float[][] z = estimator.directions(step, hiddenSize);
      float[][] points = estimator.points(delta, z);
      LossTerms terms = forwards.terms(points, loss.request());
      forwardPasses += (long) points.length * forwards.rows();
      double[] losses = losses(terms, points, step);
      double current = ForwardOnlyEstimator.curveLoss(losses);
      curve[step] = (float) current;
      descend(delta, estimator.estimate(losses, z), schedule.at(step), step);
      int steps = step + 1;
      listener.onStep(steps, maxSteps, current, forwardPasses);
      if (stopping.due(steps, () -> loss.worstTargetLogProb(terms))) {
        forwardPasses++;
        RankOneUpdate candidate = RankOneUpdate.of(layer, delta, key);
        boolean done = rewrite.passesWith(candidate);
        listener.onEarlyStopCheck(steps, done);
        if (done) {
          Found found = new Found(candidate, Arrays.copyOf(curve, steps), steps,
              EditResult.StopReason.EARLY_STOP_SUCCESS, forwardPasses);
          return shrink ? shrunk(delta, forwards, found) : found;
        }
      }
    }
    return new Found(RankOneUpdate.of(layer, delta, key), curve, maxSteps, EditResult.StopReason.MAX_STEPS,
        forwardPasses);
  }

  /**
   * The smallest fraction of the passing {@code delta} that still passes: every target token above probability ½ in
   * every rewrite row (one batched evaluation of the rows at that point) and the check on the plain prompt; the
   * search's own result when none of {@link #SHRINK} does. Counts one forward pass per row and one per check.
   */
  private Found shrunk(float[] delta, PrefixCachePlan forwards, Found passing) {
    long passes = passing.forwardPasses();
    for (float fraction : SHRINK) {
      float[] scaled = new float[delta.length];
      for (int j = 0; j < scaled.length; j++) {
        scaled[j] = delta[j] * fraction;
      }
      LossTerms terms = forwards.terms(new float[][] {scaled}, loss.request());
      passes += forwards.rows();
      if (loss.worstTargetLogProb(terms) <= EarlyStopping.LIKELY) {
        continue;
      }
      RankOneUpdate smaller = RankOneUpdate.of(layer, scaled, key);
      passes++;
      if (rewrite.passesWith(smaller)) {
        return new Found(smaller, passing.lossCurve(), passing.steps(), passing.reason(), passes);
      }
    }
    return new Found(passing.update(), passing.lossCurve(), passing.steps(), passing.reason(), passes);
  }

  /** The loss at every point; a non-finite one aborts the edit. */
  private double[] losses(LossTerms terms, float[][] points, int step) {
    double[] losses = new double[points.length];
    for (int p = 0; p < points.length; p++) {
      losses[p] = loss.value(terms.point(p), points[p]);
    }
    for (double l : losses) {
      if (!Double.isFinite(l)) {
        throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
            "The edit loss became " + l + " at step " + step + " (overflow in the model's activations);"
                + " the edit was aborted and the model is unchanged. Try fp32 precision or a smaller"
                + " learning rate.");
      }
    }
    return losses;
  }

  /** {@code δ ← δ − η ĝ} in float, then the clamp; a correction that is no longer finite aborts the edit. */
  private void descend(float[] delta, double[] g, double eta, int step) {
    double norm = 0;
    for (int j = 0; j < delta.length; j++) {
      delta[j] = (float) (delta[j] - eta * g[j]);
      norm += (double) delta[j] * delta[j];
    }
    norm = Math.sqrt(norm);
    if (!Double.isFinite(norm)) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
          "The edit's search diverged at step " + step + " (its correction δ became " + norm + "); the edit was"
              + " aborted and the model is unchanged. Try a smaller learning rate or a larger epsilon.");
    }
    clamp.apply(delta, norm);
  }
}
