package org.mobiedit.testing;

import org.mobiedit.spi.BackendProvider;
import org.mobiedit.tck.BackendCompatibilityKit;

/**
 * The fake runs no model, so it claims no precision or capability: the kit's lifecycle rules apply to it (and its
 * refusal to load models is checked by LIFECYCLE-8); every numeric check is skipped.
 */
class FakeBackendCompatibilityTest extends BackendCompatibilityKit {
  @Override
  protected BackendProvider provider() {
    return new FakeBackendProvider();
  }
}
