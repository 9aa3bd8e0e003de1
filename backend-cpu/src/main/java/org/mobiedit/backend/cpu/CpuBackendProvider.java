package org.mobiedit.backend.cpu;

import org.mobiedit.backend.cpu.kernel.DotProducts;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;

/** Provider of the pure-Java CPU backend: runs everywhere, lowest priority. */
public final class CpuBackendProvider implements BackendProvider {
  /** The backend id. */
  public static final String ID = "cpu";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "pure-Java reference backend (fp32, int8 weights)";
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public Support support() {
    return Support.yes();
  }

  @Override
  public Backend create(BackendConfig config) {
    return new CpuBackend(config.threads(), DotProducts.select(System.getProperty(DotProducts.PROPERTY)));
  }
}
