package org.mobiedit.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: gives each test a fresh {@link FakeBackend} of its own, installed on the test's thread for its duration, and
 * passes it to test methods that ask for it. Tests run in parallel ({@code @Execution(CONCURRENT)}) do not share
 * scripts or records.
 *
 * <pre>{@code
 * @ExtendWith(FakeBackendExtension.class)
 * class FactScreenTest {
 *   @Test void showsTheNewAnswer(FakeBackend fake) {
 *     fake.onEdit("Lily").succeedAfter(3);
 *     ...
 *   }
 * }
 * }</pre>
 */
public final class FakeBackendExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeBackendExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NAMESPACE).put(FakeBackend.class, FakeBackend.create().install());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    FakeBackend.Installation i = context.getStore(NAMESPACE).remove(FakeBackend.class, FakeBackend.Installation.class);
    if (i != null) {
      i.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FakeBackend.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    FakeBackend.Installation i = context.getStore(NAMESPACE).get(FakeBackend.class, FakeBackend.Installation.class);
    return i != null ? i.fake() : FakeBackend.get();
  }
}
