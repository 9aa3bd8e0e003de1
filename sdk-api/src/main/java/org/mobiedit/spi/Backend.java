package org.mobiedit.spi;

import java.nio.file.Path;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Editor;
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

  /**
   * Optional: serves a whole editor for the model at {@code modelPath} itself, instead of the SDK reading the files
   * and running its edit engine on {@link #load}. Test doubles do this (the {@code sdk-testing} fake backend answers
   * from a script, so an app's code runs unchanged in unit tests without a model file). The SDK calls it first when it
   * opens an editor; returning {@code null}, the default, lets the SDK load the model. An editor returned here owns
   * this backend: closing the editor closes the backend.
   */
  default @Nullable Editor openEditor(Path modelPath, EditOptions options) {
    return null;
  }

  @Override
  void close();
}
