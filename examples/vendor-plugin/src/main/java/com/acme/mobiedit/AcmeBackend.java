package com.acme.mobiedit;

import java.util.Set;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.ModelWeights;

/** The created backend: where a vendor holds its device context. Closing it closes every model it loaded. */
final class AcmeBackend implements Backend {
  private final Backend engine;

  AcmeBackend(Backend engine) {
    this.engine = engine;
  }

  @Override
  public String id() {
    return "acme";
  }

  /** Claims exactly what it can do; the kit checks every claim and skips what is not claimed. */
  @Override
  public Set<Capability> capabilities() {
    return engine.capabilities();
  }

  @Override
  public BackendModel load(ModelWeights weights, Precision precision) {
    return new AcmeModel(engine.load(weights, precision));
  }

  @Override
  public void close() {
    engine.close();
  }
}
