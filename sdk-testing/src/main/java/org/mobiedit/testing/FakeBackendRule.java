package org.mobiedit.testing;

import org.junit.rules.ExternalResource;

/**
 * JUnit 4 (and Android's instrumented tests, which use JUnit 4): resets {@link FakeBackend} before each test and gives
 * it to the test, as {@link FakeBackendExtension} does for JUnit 5.
 *
 * <pre>{@code
 * public class FactScreenTest {
 *   @Rule public final FakeBackendRule fakeBackend = new FakeBackendRule();
 *
 *   @Test public void showsTheNewAnswer() {
 *     fakeBackend.fake().onEdit("Lily").succeedAfter(3);
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>The fake is one per process (the SDK finds it through {@code ServiceLoader}), so tests that script it run one at a
 * time, as JUnit 4 runs them by default. JUnit 4 is not brought by this artifact: a project using the rule has it.
 */
public final class FakeBackendRule extends ExternalResource {
  @Override
  protected void before() {
    FakeBackend.get().reset();
  }

  /** The fake backend the SDK selects in this test. */
  public FakeBackend fake() {
    return FakeBackend.get();
  }
}
