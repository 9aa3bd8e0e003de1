package com.acme.mobiedit;

import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;

/**
 * ACME's backend, as ServiceLoader finds it ({@code META-INF/services/org.mobiedit.spi.BackendProvider}).
 *
 * <p>A real vendor's provider checks in {@link #support()} that its native library loads and its accelerator is
 * present, and opens the device in {@link #create}. This example's "accelerator" is backend-cpu, so it is supported
 * everywhere; switch it off with {@code -Dacme.disabled=true} to see selection fall back to the CPU backend.
 */
public final class AcmeBackendProvider implements BackendProvider {
  /** Construction stays cheap: no native code, no device, no threads (the SPI's contract). */
  public AcmeBackendProvider() {}

  @Override
  public String id() {
    return "acme";
  }

  @Override
  public String description() {
    return "ACME accelerator (example plugin wrapping backend-cpu)";
  }

  /** Above the CPU backend (0), as hardware backends are, so it wins automatic selection when supported. */
  @Override
  public int priority() {
    return 100;
  }

  /** The SPI version this plugin was compiled against (the compiler copies the constant in); checked at discovery. */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public Support support() {
    if (Boolean.getBoolean("acme.disabled")) {
      return Support.no("switched off with -Dacme.disabled=true");
    }
    return Support.yes();
  }

  @Override
  public Backend create(BackendConfig config) {
    return new AcmeBackend(new CpuBackendProvider().create(config));
  }
}
