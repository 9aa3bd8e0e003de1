package org.mobiedit.tck;

import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.spi.BackendProvider;

/** The reference passes its own kit (against itself: this pins the contract, not the numbers). */
class CpuBackendCompatibilityTest extends BackendCompatibilityKit {
  @Override
  protected BackendProvider provider() {
    return new CpuBackendProvider();
  }
}
