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
  private volatile Outcome outcome = Outcome.DEFAULT;

  /** One outcome; immutable. */
  record Outcome(int steps, boolean converge, Duration perStep, int cancelAtStep, int failAtStep,
      @Nullable MobiEditException failure, @Nullable String answer) {
    static final Outcome DEFAULT =
        new Outcome(FakeBackend.DEFAULT_STEPS, true, Duration.ZERO, 0, 0, null, null);
  }

  EditScript(Predicate<EditRequest> which) {
    this.which = which;
  }

  boolean matches(EditRequest r) {
    return which.test(r);
  }

  Outcome outcome() {
    return outcome;
  }

  /** The edit succeeds after {@code steps} steps (at least 1). */
  public EditScript succeedAfter(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, got " + steps);
    }
    Outcome o = outcome;
    outcome = new Outcome(steps, true, o.perStep(), o.cancelAtStep(), o.failAtStep(), o.failure(), o.answer());
    return this;
  }

  /** The search runs out of steps (the options' {@code maxSteps}) without rewriting the fact; nothing is applied. */
  public EditScript notConverge() {
    Outcome o = outcome;
    outcome = new Outcome(0, false, o.perStep(), o.cancelAtStep(), o.failAtStep(), o.failure(), o.answer());
    return this;
  }

  /** Every step takes this long (the injected latency of a slow device). */
  public EditScript taking(Duration perStep) {
    Objects.requireNonNull(perStep, "perStep");
    if (perStep.isNegative()) {
      throw new IllegalArgumentException("perStep must not be negative");
    }
    Outcome o = outcome;
    outcome = new Outcome(o.steps(), o.converge(), perStep, o.cancelAtStep(), o.failAtStep(), o.failure(), o.answer());
    return this;
  }

  /** The edit fails at once with this reason and message, as the SDK reports failures. */
  public EditScript failWith(MobiEditException.Reason reason, String message) {
    return failAtStep(0, reason, message);
  }

  /** The edit fails when it reaches step {@code step} (0: before the first step). */
  public EditScript failAtStep(int step, MobiEditException.Reason reason, String message) {
    if (step < 0) {
      throw new IllegalArgumentException("step must not be negative");
    }
    Outcome o = outcome;
    outcome = new Outcome(o.steps(), o.converge(), o.perStep(), o.cancelAtStep(), step,
        new MobiEditException(reason, message), o.answer());
    return this;
  }

  /** The edit is cancelled when it reaches step {@code step}, as if {@code EditCall.cancel()} had been called. */
  public EditScript cancelAtStep(int step) {
    if (step < 1) {
      throw new IllegalArgumentException("step must be at least 1, got " + step);
    }
    Outcome o = outcome;
    outcome = new Outcome(o.steps(), o.converge(), o.perStep(), step, o.failAtStep(), o.failure(), o.answer());
    return this;
  }

  /**
   * After this edit succeeds, prompts containing its prompt are continued with {@code text} (by default a space and
   * the new object).
   */
  public EditScript answering(String text) {
    Objects.requireNonNull(text, "text");
    Outcome o = outcome;
    outcome = new Outcome(o.steps(), o.converge(), o.perStep(), o.cancelAtStep(), o.failAtStep(), o.failure(), text);
    return this;
  }
}
