package org.mobiedit.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;

/** What the fake's {@code generate} answers for the prompts one rule matches; made by {@link FakeBackend#onGenerate}. */
public final class GenerationScript {
  private final Predicate<String> which;
  private String text = "";
  private Duration delay = Duration.ZERO;
  private @Nullable MobiEditException failure;

  /** One answer, as the rule stood when a prompt matched it; immutable. */
  record Reply(String text, Duration delay, @Nullable MobiEditException failure) {}

  GenerationScript(Predicate<String> which) {
    this.which = which;
  }

  boolean matches(String prompt) {
    return which.test(prompt);
  }

  synchronized Reply reply() {
    return new Reply(text, delay, failure);
  }

  /** The continuation (without the prompt). */
  public synchronized GenerationScript reply(String text) {
    this.text = Objects.requireNonNull(text, "text");
    return this;
  }

  /** Generation takes this long. */
  public synchronized GenerationScript taking(Duration delay) {
    this.delay = Objects.requireNonNull(delay, "delay");
    return this;
  }

  /** Generation fails with this reason and message. */
  public synchronized GenerationScript failWith(MobiEditException.Reason reason, String message) {
    this.failure = new MobiEditException(reason, message);
    return this;
  }
}
