package org.mobiedit.api;

import java.util.List;

/**
 * What an edit did and what it cost. Immutable; built by the engine.
 */
public final class EditResult {
  /** Why the value search ended. */
  public enum StopReason {
    /** Every target token became the argmax at an early-stop check. */
    EARLY_STOP_SUCCESS,
    /** The step budget ran out. */
    MAX_STEPS,
    /** The caller cancelled the edit. */
    CANCELLED
  }

  private final EditRequest request;
  private final boolean success;
  private final StopReason stopReason;
  private final int steps;
  private final long forwardPasses;
  private final long wallMillis;
  private final float[] lossCurve;
  private final int layer;
  private final float[] leftVector;
  private final float[] rightVector;
  private final List<String> contextTemplates;

  private EditResult(Builder b) {
    this.request = b.request;
    this.success = b.success;
    this.stopReason = b.stopReason;
    this.steps = b.steps;
    this.forwardPasses = b.forwardPasses;
    this.wallMillis = b.wallMillis;
    this.lossCurve = b.lossCurve.clone();
    this.layer = b.layer;
    this.leftVector = b.leftVector.clone();
    this.rightVector = b.rightVector.clone();
    this.contextTemplates = List.copyOf(b.contextTemplates);
  }

  public static Builder builder(EditRequest request) {
    return new Builder(request);
  }

  public EditRequest getRequest() {
    return request;
  }

  /** True when every target token is the argmax after the prompt on the edited model. */
  public boolean isSuccess() {
    return success;
  }

  public StopReason getStopReason() {
    return stopReason;
  }

  /** Optimisation steps taken. */
  public int getSteps() {
    return steps;
  }

  /** Forward passes run (each batched row evaluation counts once per row). */
  public long getForwardPasses() {
    return forwardPasses;
  }

  public long getWallMillis() {
    return wallMillis;
  }

  /**
   * The loss at each step: the mean of the step's {@code 2q} perturbed losses, which is the loss at the step's
   * {@code δ} plus a term of second order in epsilon (the unperturbed point itself is not evaluated: the estimate
   * does not need it).
   */
  public float[] getLossCurve() {
    return lossCurve.clone();
  }

  /** The decoder layer whose {@code W_down} was rewritten. */
  public int getLayer() {
    return layer;
  }

  /** {@code r}: the d-dimensional left vector of the rank-one update {@code W_down += r ⊗ u}. */
  public float[] getLeftVector() {
    return leftVector.clone();
  }

  /** {@code u}: the d_ff-dimensional right vector (unit key direction). */
  public float[] getRightVector() {
    return rightVector.clone();
  }

  /** The context templates the edit used, "{}" standing for the prompt. */
  public List<String> getContextTemplates() {
    return contextTemplates;
  }

  /** A one-line summary for logs (the vectors and the loss curve are left out). */
  @Override
  public String toString() {
    return "EditResult{" + request + ", success=" + success + ", " + stopReason + ", steps=" + steps
        + ", forwardPasses=" + forwardPasses + ", " + wallMillis + " ms, layer " + layer + "}";
  }

  /** Builder used by the engine and by test fakes. */
  public static final class Builder {
    private final EditRequest request;
    private boolean success;
    private StopReason stopReason = StopReason.MAX_STEPS;
    private int steps;
    private long forwardPasses;
    private long wallMillis;
    private float[] lossCurve = new float[0];
    private int layer;
    private float[] leftVector = new float[0];
    private float[] rightVector = new float[0];
    private List<String> contextTemplates = List.of();

    private Builder(EditRequest request) {
      this.request = request;
    }

    public Builder success(boolean v) {
      success = v;
      return this;
    }

    public Builder stopReason(StopReason v) {
      stopReason = v;
      return this;
    }

    public Builder steps(int v) {
      steps = v;
      return this;
    }

    public Builder forwardPasses(long v) {
      forwardPasses = v;
      return this;
    }

    public Builder wallMillis(long v) {
      wallMillis = v;
      return this;
    }

    public Builder lossCurve(float[] v) {
      lossCurve = v.clone();
      return this;
    }

    public Builder layer(int v) {
      layer = v;
      return this;
    }

    public Builder rankOne(float[] left, float[] right) {
      leftVector = left.clone();
      rightVector = right.clone();
      return this;
    }

    public Builder contextTemplates(List<String> v) {
      contextTemplates = List.copyOf(v);
      return this;
    }

    public EditResult build() {
      return new EditResult(this);
    }
  }
}
