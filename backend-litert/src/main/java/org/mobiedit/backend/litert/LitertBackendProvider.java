package org.mobiedit.backend.litert;

import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.litert.accelerator.AcceleratorSelection;
import org.mobiedit.backend.litert.runtime.RuntimeAccelerators;
import org.mobiedit.backend.litert.runtime.TfliteRuntime;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;

/**
 * The LiteRT backend's entry point. Construction is cheap; {@link #support()} tries to load the runtime's native
 * library and reports why it cannot.
 *
 * <p>Priority: -10, below the CPU backend, so it is used when named: {@code MOBIEDIT_BACKEND=litert} or
 * {@code -Dmobiedit.backend=litert}. It passes the compatibility kit in every precision and its edit steps are faster
 * than backend-cpu's on this machine, but without a KV-cache graph its generation is much slower, and at the 0.5B
 * shape it needs several times the memory (bench/RESULTS.md). Where it reaches an NPU or a GPU it should rank above.
 *
 * <p>The accelerator is chosen per model from {@code -Dmobiedit.litert.accelerator=auto|npu|gpu|cpu} (or
 * {@code MOBIEDIT_LITERT_ACCELERATOR}); see {@link AcceleratorSelection}.
 */
public final class LitertBackendProvider implements BackendProvider {
  public static final String ID = "litert";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "TFLite/LiteRT runtime running graphs the SDK writes from the loaded weights (XNNPACK on CPU here)";
  }

  /** Below backend-cpu: used when named, or for int8-dynamic ({@link #priority(Precision)}). */
  @Override
  public int priority() {
    return -10;
  }

  /**
   * Above backend-cpu for {@link Precision#INT8_DYNAMIC}: there this backend runs XNNPACK's integer kernels (several
   * times backend-cpu's prefill and edit-step speed), where backend-cpu computes the same rounding in Java as the
   * reference. Below it for every other precision.
   */
  @Override
  public int priority(Precision precision) {
    return precision == Precision.INT8_DYNAMIC ? 10 : priority();
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public Support support() {
    String problem = TfliteRuntime.loadProblem();
    if (problem != null) {
      return Support.no(problem);
    }
    try {
      AcceleratorSelection.settingFromEnvironment();
      return Support.yes();
    } catch (MobiEditException e) {
      return Support.no(e.getMessage());
    }
  }

  @Override
  public Backend create(BackendConfig config) {
    String problem = TfliteRuntime.loadProblem();
    if (problem != null) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE, problem);
    }
    return new LitertBackend(config.threads(), AcceleratorSelection.setting(config.accelerator()),
        new RuntimeAccelerators(), config.cacheFolder());
  }
}
