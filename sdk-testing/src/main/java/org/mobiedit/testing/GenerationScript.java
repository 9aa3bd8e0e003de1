package org.mobiedit.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;

/** What the fake's {@code generate} answers for the prompts one rule matches; made by {@link FakeBackend#onGenerate}. */
public final class GenerationScript {
  private final Predicate<String> which;
  private volatile Reply reply = new Reply("", Duration.ZERO, null);

  /** One answer; immutable. */
  record Reply(String text, Duration delay, @Nullable MobiEditException failure) {}

  GenerationScript(Predicate<String> which) {
    this.which = which;
  }

  boolean matches(String prompt) {
    return which.test(prompt);
  }

  Reply reply() {
    return reply;
  }

  /** The continuation (without the prompt). */
  public GenerationScript reply(String text) {
    Objects.requireNonNull(text, "text");
    Reply r = reply;
    reply = new Reply(text, r.delay(), r.failure());
    return this;
  }

  /** Generation takes this long. */
  public GenerationScript taking(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    Reply r = reply;
    reply = new Reply(r.text(), delay, r.failure());
    return this;
  }

  /** Generation fails with this reason and message. */
  public GenerationScript failWith(MobiEditException.Reason reason, String message) {
    Reply r = reply;
    reply = new Reply(r.text(), r.delay(), new MobiEditException(reason, message));
    return this;
  }
}
