package org.mobiedit.spi;

import java.util.Set;
import org.mobiedit.api.Precision;

/**
 * A created backend: a runtime able to load models. Made by {@link BackendProvider#create(BackendConfig)}.
 *
 * <p>Thread safety: {@link #load} may be called from any thread; each loaded model documents its own rules.
 * {@link #close()} is idempotent and closes every model still loaded.
 */
public interface Backend extends AutoCloseable {

  /** The provider id this backend was created from. */
  String id();

  /** What this backend can do. */
  Set<Capability> capabilities();

  /**
   * Prepares a model to run in the given precision (quantizing weights if needed). The backend may keep views of
   * the tensors in {@code weights}; the caller keeps {@code weights} open until the returned model is closed.
   *
   * @throws org.mobiedit.api.MobiEditException {@code BACKEND_UNSUPPORTED_OPERATION} for a precision the backend
   *     does not offer, {@code MODEL_UNSUPPORTED} for an architecture it cannot run
   */
  BackendModel load(ModelWeights weights, Precision precision);

  @Override
  void close();
}
