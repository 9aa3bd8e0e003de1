package org.mobiedit.testing;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Editor;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.Support;

/**
 * The fake backend's entry point, registered with {@link java.util.ServiceLoader}. Its priority is the highest
 * possible, so it wins automatic selection whenever {@code sdk-testing} is on the class path (unless {@link
 * FakeBackend#setEnabled} switched the calling thread's fake off or a backend is named explicitly). Editors opened on
 * it follow the script of their {@link FakeBackend} (the one claiming the model path, else the calling thread's); it
 * runs no model ({@link Backend#load} says so).
 */
public final class FakeBackendProvider implements BackendProvider {
  /** The fake's backend id. */
  public static final String ID = "fake";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "scripted fake for unit tests (sdk-testing)";
  }

  @Override
  public int priority() {
    return Integer.MAX_VALUE;
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public Support support() {
    return FakeBackend.get().isEnabled()
        ? Support.yes()
        : Support.no("switched off by FakeBackend.setEnabled(false) in this test");
  }

  @Override
  public Backend create(BackendConfig config) {
    return new FakeRuntime();
  }

  /** The created fake: serves whole editors, runs no model. */
  private static final class FakeRuntime implements Backend {
    @Override
    public String id() {
      return ID;
    }

    @Override
    public Set<Capability> capabilities() {
      return EnumSet.noneOf(Capability.class);
    }

    @Override
    public BackendModel load(ModelWeights weights, Precision precision) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION,
          "The fake backend (sdk-testing) answers editors opened with MobiEdit.open from its script; it does not run"
              + " models. It was selected because it is on the class path: name a real backend (backend id \"cpu\","
              + " or -Dmobiedit.backend=cpu) where a test needs a real model.");
    }

    @Override
    public Editor openEditor(Path modelPath, EditOptions options) {
      return new FakeEditor(FakeBackend.forModel(modelPath), modelPath, options);
    }

    @Override
    public void close() {}
  }
}
