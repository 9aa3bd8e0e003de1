package org.mobiedit.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Editor;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.backend.BackendSelection;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.internal.edit.MobiEditor;
import org.mobiedit.core.internal.edit.PreparedKeyStatistics;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.internal.model.OpenWeights;
import org.mobiedit.core.internal.model.TokenizerLocator;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.Backend;

/**
 * The front door: where apps, the command line and the kits open everything the SDK offers.
 * <ul>
 *   <li>{@link #open(Path)} and its overloads: an {@link Editor} on a model file or folder;</li>
 *   <li>{@link #load(Path, LoadOptions)}: a {@link Model} to generate with and score answers on, and
 *       {@link #open(Model, EditOptions)} to edit that very model;</li>
 *   <li>{@link #openWeights(Path)} and {@link #openTokenizer(Path)}: a model's validated weights or its tokenizer
 *       alone, for tools and backend kits.</li>
 * </ul>
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

  /** Opens an editor with the SDK's default options ({@link EditOptions#recommended()}) on the selected backend. */
  public static Editor open(Path model) {
    return open(model, EditOptions.recommended());
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
    BackendSelection selection = selector.select(load.backendId(), load.precision());
    Backend backend = selection.provider().create(load.backendConfig());
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

  /**
   * Loads a model on the selected backend, for generation and scoring: the files are mapped and validated, the
   * tokenizer found, the backend selected as {@link BackendSelector} documents (the options' backend id first), and
   * the weights loaded in the options' precision.
   *
   * @throws org.mobiedit.api.MobiEditException naming the problem: a missing, corrupt or unsupported model, no
   *     backend, too little memory
   */
  public static Model load(Path model, LoadOptions load) {
    return LanguageModel.load(model, load);
  }

  /**
   * As {@link #load(Path, LoadOptions)} from a path or from a GGUF file inside an open channel, the way an Android app
   * holds a model it ships as an asset ({@link ModelSource#gguf}).
   */
  public static Model load(ModelSource model, LoadOptions load) {
    return LanguageModel.load(model, load);
  }

  /** As {@link #load(Path, LoadOptions)} with a given selector (for apps and kits that wire providers by hand). */
  public static Model load(Path model, LoadOptions load, BackendSelector selector) {
    return LanguageModel.load(model, load, selector);
  }

  /**
   * Opens an editor on a model this process already loaded. The editor owns the model from now on: closing the
   * editor closes the model. Scores and generations of the model reflect the editor's applied edits.
   *
   * <p>Tools that compare edit options open one editor per set of options on the same model, one after another,
   * each undoing its edits before the next starts, and close the model (which ends them all) instead of each editor.
   *
   * @param options edit options whose precision must be the one the model was loaded in
   * @throws IllegalArgumentException for a model not loaded by {@link #load} or loaded in another precision
   */
  public static Editor open(Model model, EditOptions options) {
    if (!(model instanceof LanguageModel loaded)) {
      throw new IllegalArgumentException("open(Model, ...) needs a model from MobiEdit.load, not a "
          + model.getClass().getName());
    }
    if (model.precision() != options.getPrecision()) {
      throw new IllegalArgumentException("the model is loaded in " + model.precision().getId() + " but the edit"
          + " options ask for " + options.getPrecision().getId() + "; load it in the options' precision");
    }
    return new MobiEditor(loaded, options);
  }

  /**
   * Where an editor on {@code model} looks for its prepared key statistics ({@link #prepareKeyStatistics}):
   * {@code key-statistics.bin} in a model folder, {@code <file>.key-statistics.bin} beside a single-file model.
   */
  public static Path keyStatisticsLocation(Model model) {
    return PreparedKeyStatistics.location(loaded(model));
  }

  /**
   * Samples {@code texts} texts of 64 tokens from {@code model} (with the options' seed) and writes them, with the key
   * statistics of every layer an edit with {@code options} can write to (its edit layer, the layers after it that
   * {@link EditOptions#getSequentialLayers()} can move a sequence's edit to, and the layers the spread options reach
   * from there), to {@code out} atomically. An editor on the model then uses them
   * ({@link EditOptions#isPreparedKeyStatistics()}) when they are at {@link #keyStatisticsLocation}. Made once per
   * model, off the device if need be (any backend, same files): a generation of {@code 64 × texts} tokens, then one
   * forward pass per text and layer.
   *
   * @param progress hears the number of texts drawn so far, after each
   * @return the layers written
   * @throws MobiEditException {@code INVALID_REQUEST} for a model loaded with quantized activations or a number of
   *     texts out of range, {@code IO} when the file cannot be written
   */
  public static List<Integer> prepareKeyStatistics(Model model, EditOptions options, int texts, Path out,
      IntConsumer progress) {
    LanguageModel lm = loaded(model);
    int first = model.editLayer(options);
    // a sequence's edit may move up to getSequentialLayers() after the edit layer, and spread from there
    int reach = Math.max(options.getSpreadLayers(),
        options.getSequentialLayers() + Math.max(options.getSpreadLayers(), options.getSequentialSpreadLayers()));
    List<Integer> layers = new ArrayList<>();
    for (int l = first; l <= Math.min(model.spec().layers() - 1, first + reach); l++) {
      layers.add(l);
    }
    PreparedKeyStatistics.prepare(lm, layers, texts, options.getSeed(), progress).write(out);
    return List.copyOf(layers);
  }

  private static LanguageModel loaded(Model model) {
    if (!(model instanceof LanguageModel loaded)) {
      throw new IllegalArgumentException("this needs a model from MobiEdit.load, not a " + model.getClass().getName());
    }
    return loaded;
  }

  /**
   * Opens and validates a model's files, without loading the weights on a backend: for backend kits and tools that
   * hand {@link org.mobiedit.spi.ModelWeights} to a backend themselves. The tokenizer is found when first asked for
   * ({@link WeightsFile#tokenizer()}).
   */
  public static WeightsFile openWeights(Path model) {
    return OpenWeights.open(model);
  }

  /**
   * The tokenizer at a path, without loading weights: a GGUF file (only its metadata is read), a model folder, or a
   * folder with tokenizer files only.
   */
  public static Tokenizer openTokenizer(Path path) {
    return TokenizerLocator.forPath(path);
  }
}
