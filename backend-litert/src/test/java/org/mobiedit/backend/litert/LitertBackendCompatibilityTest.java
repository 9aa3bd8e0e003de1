package org.mobiedit.backend.litert;

import org.mobiedit.spi.BackendProvider;
import org.mobiedit.tck.BackendCompatibilityKit;

/**
 * The compatibility kit against the real TFLite runtime. This slice claims float32 and batched forward; the kit skips
 * the edit capabilities it does not claim yet.
 */
class LitertBackendCompatibilityTest extends BackendCompatibilityKit {
  @Override
  protected BackendProvider provider() {
    return new LitertBackendProvider();
  }
}
