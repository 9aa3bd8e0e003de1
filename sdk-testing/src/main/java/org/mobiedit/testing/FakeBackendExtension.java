package org.mobiedit.testing;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: resets {@link FakeBackend} before each test and passes it to test methods that ask for it.
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
public final class FakeBackendExtension implements BeforeEachCallback, ParameterResolver {
  @Override
  public void beforeEach(ExtensionContext context) {
    FakeBackend.get().reset();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FakeBackend.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return FakeBackend.get();
  }
}
