package org.mobiedit.backend.qnn;

import org.mobiedit.spi.BackendProvider;
import org.mobiedit.tck.BackendCompatibilityKit;

/** The compatibility kit against the real ONNX Runtime (its CPU execution provider on this machine). */
class QnnBackendCompatibilityTest extends BackendCompatibilityKit {
  @Override
  protected BackendProvider provider() {
    return new QnnBackendProvider();
  }
}
