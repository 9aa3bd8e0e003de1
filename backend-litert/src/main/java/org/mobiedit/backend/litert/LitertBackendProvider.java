package org.mobiedit.backend.litert;

import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.litert.runtime.TfliteRuntime;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;

/**
 * The LiteRT backend's entry point. Construction is cheap; {@link #support()} tries to load the runtime's native
 * library and reports why it cannot.
 *
 * <p>Priority: -10 for now, below the CPU backend, because this backend does not run edits yet (it offers the plain
 * forward only). Name it to use it: {@code MOBIEDIT_BACKEND=litert} or {@code -Dmobiedit.backend=litert}. It moves
 * above the CPU backend (100) once it passes the compatibility kit's edit checks.
 */
public final class LitertBackendProvider implements BackendProvider {
  public static final String ID = "litert";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "TFLite/LiteRT runtime with graphs written by the SDK (float32 forward; XNNPACK on CPU)";
  }

  @Override
  public int priority() {
    return -10;
  }

  @Override
  public Support support() {
    String problem = TfliteRuntime.loadProblem();
    return problem == null ? Support.yes() : Support.no(problem);
  }

  @Override
  public Backend create(BackendConfig config) {
    String problem = TfliteRuntime.loadProblem();
    if (problem != null) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE, problem);
    }
    return new LitertBackend(config.threads());
  }
}
