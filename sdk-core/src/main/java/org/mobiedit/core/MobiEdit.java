package org.mobiedit.core;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Editor;
import org.mobiedit.core.backend.BackendSelection;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.edit.MobiEditor;
import org.mobiedit.core.model.LanguageModel;
import org.mobiedit.core.model.LoadOptions;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;

/**
 * Where an app starts: opens an {@link Editor} on a model file or folder.
 *
 * <pre>{@code
 * try (Editor editor = MobiEdit.open(Path.of("qwen2.5-0.5b-instruct"))) {
 *   EditResult r = editor.edit("The Eiffel Tower", "is located in", "Rome");
 * }
 * }</pre>
 *
 * <p>The backend is selected as {@link BackendSelector} documents. A backend that serves whole editors itself
 * ({@link Backend#openEditor}) gets the request first: that is how the {@code sdk-testing} fake backend takes over in
 * an app's unit tests without any change to the app's code, and without a model file.
 */
public final class MobiEdit {
  private MobiEdit() {}

  /** Opens an editor with the paper's default options, on the automatically selected backend. */
  public static Editor open(Path model) {
    return open(model, EditOptions.defaults());
  }

  /** Opens an editor with these options (their precision is the precision the model is loaded in). */
  public static Editor open(Path model, EditOptions options) {
    return open(model, options, null, 0);
  }

  /**
   * Opens an editor on a chosen backend.
   *
   * @param backendId a backend id to force ({@code "cpu"}, …), or null to select by property, environment and priority
   * @param threads kernel threads, 0 for one per available processor
   */
  public static Editor open(Path model, EditOptions options, @Nullable String backendId, int threads) {
    return open(model, options, backendId, threads, BackendSelector.discover());
  }

  /** As {@link #open(Path, EditOptions, String, int)} with a given selector (for apps that wire providers by hand). */
  public static Editor open(Path model, EditOptions options, @Nullable String backendId, int threads,
      BackendSelector selector) {
    return open(model, options, new LoadOptions(options.getPrecision(), backendId, threads), selector);
  }

  /**
   * Opens an editor with load options: with {@link LoadOptions#withFallback(boolean) fallback} allowed, a backend that
   * cannot run this model (its architecture, a tensor type, the precision, or a missing accelerator) hands over to
   * the next supported one, with a warning, instead of failing. A problem of the model itself is never retried.
   *
   * @param load the backend, threads and fallback; its precision must be the options' precision
   */
  public static Editor open(Path model, EditOptions options, LoadOptions load, BackendSelector selector) {
    if (load.precision() != options.getPrecision()) {
      throw new IllegalArgumentException("the load options' precision (" + load.precision().getId() + ") differs from"
          + " the edit options' (" + options.getPrecision().getId() + "); set the same precision in both");
    }
    BackendSelection selection = selector.select(load.backendId());
    Backend backend = selection.provider().create(new BackendConfig(load.effectiveThreads()));
    Editor standIn;
    try {
      standIn = backend.openEditor(model, options);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    if (standIn != null) {
      return standIn;
    }
    if (load.allowFallback()) {
      backend.close(); // the fallback path selects and creates backends itself, in order
      return new MobiEditor(LanguageModel.load(model, load, selector), options);
    }
    return new MobiEditor(LanguageModel.load(model, options.getPrecision(), backend, selection.rule()), options);
  }
}
