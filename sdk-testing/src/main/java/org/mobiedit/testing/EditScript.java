package org.mobiedit.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;

/**
 * What the fake does with the edits one rule matches; made by {@link FakeBackend#onEdit}. Each method replaces the
 * rule's outcome and returns the rule, so calls chain: {@code onEdit("Lily").succeedAfter(3).taking(ofMillis(10))}.
 *
 * <p>A scripted edit reports its progress like a real one: {@code onStart}, {@code onPrefixCacheBuilt}, one
 * {@code onStep} per step (with a loss that falls towards zero), an early-stop check after the last step, and
 * {@code onFinish}. Cancellation is honoured between steps and during a step's delay; a cancelled or failed edit is not
 * applied.
 */
public final class EditScript {
  private final Predicate<EditRequest> which;
  private int steps = FakeBackend.DEFAULT_STEPS;
  private boolean converge = true;
  private Duration perStep = Duration.ZERO;
  private int cancelAtStep;
  private int failAtStep;
  private @Nullable MobiEditException failure;
  private @Nullable String answer;

  /** One outcome, as the rule stood when an edit matched it; immutable. */
  record Outcome(int steps, boolean converge, Duration perStep, int cancelAtStep, int failAtStep,
      @Nullable MobiEditException failure, @Nullable String answer) {
    /** What an unscripted edit does. */
    static final Outcome DEFAULT = new EditScript(r -> true).outcome();
  }

  EditScript(Predicate<EditRequest> which) {
    this.which = which;
  }

  boolean matches(EditRequest r) {
    return which.test(r);
  }

  synchronized Outcome outcome() {
    return new Outcome(steps, converge, perStep, cancelAtStep, failAtStep, failure, answer);
  }

  /** The edit succeeds after {@code steps} steps (at least 1). */
  public synchronized EditScript succeedAfter(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, got " + steps);
    }
    this.steps = steps;
    this.converge = true;
    return this;
  }

  /** The search runs out of steps (the options' {@code maxSteps}) without rewriting the fact; nothing is applied. */
  public synchronized EditScript notConverge() {
    this.steps = 0;
    this.converge = false;
    return this;
  }

  /** Every step takes this long (the injected latency of a slow device). */
  public synchronized EditScript taking(Duration perStep) {
    Objects.requireNonNull(perStep, "perStep");
    if (perStep.isNegative()) {
      throw new IllegalArgumentException("perStep must not be negative");
    }
    this.perStep = perStep;
    return this;
  }

  /** The edit fails at once with this reason and message, as the SDK reports failures. */
  public EditScript failWith(MobiEditException.Reason reason, String message) {
    return failAtStep(0, reason, message);
  }

  /** The edit fails when it reaches step {@code step} (0: before the first step). */
  public synchronized EditScript failAtStep(int step, MobiEditException.Reason reason, String message) {
    if (step < 0) {
      throw new IllegalArgumentException("step must not be negative");
    }
    this.failAtStep = step;
    this.failure = new MobiEditException(reason, message);
    return this;
  }

  /** The edit is cancelled when it reaches step {@code step}, as if {@code EditCall.cancel()} had been called. */
  public synchronized EditScript cancelAtStep(int step) {
    if (step < 1) {
      throw new IllegalArgumentException("step must be at least 1, got " + step);
    }
    this.cancelAtStep = step;
    return this;
  }

  /**
   * After this edit succeeds, prompts containing its prompt are continued with {@code text} (by default a space and
   * the new object).
   */
  public synchronized EditScript answering(String text) {
    this.answer = Objects.requireNonNull(text, "text");
    return this;
  }
}
