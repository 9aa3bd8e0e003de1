package org.mobiedit.backend.cpu;

import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.cpu.kernel.DotProduct;
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

  /** Supported everywhere; the note says which kernels this JVM gets ({@link DotProducts#describe}). */
  @Override
  public Support support() {
    try {
      return Support.yes(DotProducts.describe(kernel()));
    } catch (MobiEditException e) {
      return Support.no(e.getMessage()); // a kernel preference this JVM cannot honour
    }
  }

  @Override
  public Backend create(BackendConfig config) {
    return new CpuBackend(config.threads(), kernel());
  }

  private static DotProduct kernel() {
    return DotProducts.select(System.getProperty(DotProducts.PROPERTY));
  }
}
