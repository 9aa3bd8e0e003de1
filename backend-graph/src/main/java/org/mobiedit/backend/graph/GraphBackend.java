package org.mobiedit.backend.graph;

import java.util.ArrayList;
import java.util.List;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.ModelWeights;

/**
 * A created graph backend: the models it loaded ({@link GraphModel}s over the backend's compiler), closed with it.
 * Thread-safe.
 */
public abstract class GraphBackend implements Backend {
  private final List<GraphModel> models = new ArrayList<>();
  private boolean closed;

  /**
   * The model for {@code weights} in {@code precision}, or an exception naming why this backend cannot run it (the
   * precision, the hardware the user asked for).
   */
  protected abstract GraphModel open(ModelWeights weights, Precision precision);

  @Override
  public final synchronized BackendModel load(ModelWeights weights, Precision precision) {
    if (closed) {
      throw new IllegalStateException("this backend is closed");
    }
    GraphModel m = open(weights, precision);
    models.add(m);
    return m;
  }

  @Override
  public final synchronized void close() {
    if (!closed) {
      closed = true;
      models.forEach(GraphModel::close);
      models.clear();
    }
  }
}
