package org.mobiedit.testing;

import org.jspecify.annotations.Nullable;
import org.junit.rules.ExternalResource;

/**
 * JUnit 4 (and Android's instrumented tests, which use JUnit 4): gives each test a fresh {@link FakeBackend} of its
 * own, installed on the test's thread for its duration, as {@link FakeBackendExtension} does for JUnit 5.
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
 * <p>Tests run in parallel (a parallel JUnit 4 runner, or Gradle's forks) do not share scripts or records. JUnit 4 is
 * not brought by this artifact: a project using the rule has it.
 */
public final class FakeBackendRule extends ExternalResource {
  private FakeBackend.@Nullable Installation installation;

  @Override
  protected void before() {
    installation = FakeBackend.create().install();
  }

  @Override
  protected void after() {
    FakeBackend.Installation i = installation;
    installation = null;
    if (i != null) {
      i.close();
    }
  }

  /** The fake backend the SDK uses in this test (outside a test: {@link FakeBackend#get()}). */
  public FakeBackend fake() {
    FakeBackend.Installation i = installation;
    return i != null ? i.fake() : FakeBackend.get();
  }
}
