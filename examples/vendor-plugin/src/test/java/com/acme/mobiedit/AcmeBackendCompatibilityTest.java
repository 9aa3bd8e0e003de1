package com.acme.mobiedit;

import org.mobiedit.spi.BackendProvider;
import org.mobiedit.tck.BackendCompatibilityKit;

/** The whole compatibility kit, against ACME's backend: one factory method. */
class AcmeBackendCompatibilityTest extends BackendCompatibilityKit {
  @Override
  protected BackendProvider provider() {
    return new AcmeBackendProvider();
  }
}
