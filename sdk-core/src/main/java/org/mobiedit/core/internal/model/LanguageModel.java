package org.mobiedit.core.internal.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.api.TextListener;
import org.mobiedit.core.AnswerScore;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.Model;
import org.mobiedit.core.ModelSource;
import org.mobiedit.core.TokenListener;
import org.mobiedit.core.backend.BackendSelection;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.backend.ProviderCandidate;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.core.internal.generate.AnswerScorer;
import org.mobiedit.core.internal.generate.Generator;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.MemoryUsage;
import org.mobiedit.spi.ModelSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model ready to use: its files (memory-mapped), its tokenizer and its weights loaded on a backend.
 *
 * <pre>{@code
 * try (LanguageModel m = LanguageModel.load(Path.of("models/qwen2.5-0.5b"), LoadOptions.defaults())) {
 *   Generation g = m.generate("The capital of France is", GenerationOptions.greedy(16));
 * }
 * }</pre>
 *
 * <p>Threading: {@link #generate} may be called from several threads (each call has its own key/value cache).
 * {@link #close()} releases the backend model, the backend and the file mappings, in that order.
 */
public final class LanguageModel implements Model {
  private static final Logger LOG = LoggerFactory.getLogger(LanguageModel.class);

  private final OpenModel files;
  private final Tokenizer tokenizer;
  private final Backend backend;
  private final BackendModel backendModel;
  private final String backendRule;
  private final long loadNanos;

  private LanguageModel(OpenModel files, Tokenizer tokenizer, Backend backend, BackendModel backendModel,
      String backendRule, long loadNanos) {
    this.files = files;
    this.tokenizer = tokenizer;
    this.backend = backend;
    this.backendModel = backendModel;
    this.backendRule = backendRule;
    this.loadNanos = loadNanos;
  }

  /**
   * Opens the model at {@code path} (a GGUF file, or a Hugging Face folder), finds its tokenizer, selects a backend
   * and loads the weights in the requested precision.
   */
  public static LanguageModel load(Path path, LoadOptions options) {
    return load(ModelSource.of(path), options, BackendSelector.discover());
  }

  /** As {@link #load(Path, LoadOptions)} from a path or a channel ({@link ModelSource}). */
  public static LanguageModel load(ModelSource source, LoadOptions options) {
    return load(source, options, BackendSelector.discover());
  }

  /** As {@link #load(ModelSource, LoadOptions, BackendSelector)} from a path. */
  public static LanguageModel load(Path path, LoadOptions options, BackendSelector selector) {
    return load(ModelSource.of(path), options, selector);
  }

  /**
   * As {@link #load(Path, LoadOptions)} with a given selector (for apps that wire providers by hand). With
   * {@link LoadOptions#allowFallback()}, a backend that cannot run the model (it refuses the architecture, a tensor
   * type or the precision, or cannot be created) is passed over for the next supported one, with a warning; a problem
   * of the model itself (missing, corrupt) is never retried.
   */
  public static LanguageModel load(ModelSource source, LoadOptions options, BackendSelector selector) {
    BackendSelection selection;
    try {
      selection = selector.select(options.backendId(), options.precision());
    } catch (RuntimeException e) {
      if (source.path() == null) {
        ModelFiles.closeQuietly(source.channel()); // the model was to own it
      }
      throw e;
    }
    try {
      return load(source, options.precision(), create(selection.provider(), options), selection.rule());
    } catch (MobiEditException e) {
      if (!options.allowFallback() || !backendCannotRunIt(e) || source.path() == null) {
        throw e; // a channel was closed with the failed load: it cannot be read again for another backend
      }
      List<String> tried = new ArrayList<>();
      List<String> triedIds = new ArrayList<>();
      tried.add(selection.provider().id() + " (" + e.getMessage() + ")");
      triedIds.add(selection.provider().id());
      for (ProviderCandidate next : selector.ranked(options.precision())) {
        if (next.provider() == selection.provider()) {
          continue;
        }
        LOG.warn("Backend '{}' cannot run {}: {}; falling back to '{}'.", selection.provider().id(), source,
            e.getMessage(), next.id());
        try {
          return load(source, options.precision(), create(next.provider(), options),
              "fallback after " + String.join(", ", triedIds) + " could not run the model");
        } catch (MobiEditException again) {
          if (!backendCannotRunIt(again)) {
            throw again;
          }
          tried.add(next.id() + " (" + again.getMessage() + ")");
          triedIds.add(next.id());
        }
      }
      throw new MobiEditException(e.getReason(), "No supported backend can run " + source + " in "
          + options.precision().getId() + "; tried " + String.join("; ", tried) + ".", e);
    }
  }

  private static Backend create(BackendProvider provider, LoadOptions options) {
    return provider.create(options.backendConfig());
  }

  /** Failures that another backend may not have: the model's kind, its precision, the backend's own availability. */
  private static boolean backendCannotRunIt(MobiEditException e) {
    return switch (e.getReason()) {
      case MODEL_UNSUPPORTED, BACKEND_UNSUPPORTED_OPERATION, BACKEND_UNAVAILABLE -> true;
      default -> false;
    };
  }

  /**
   * Opens the model at {@code path} on a backend already created; the model owns the backend from then on (it is
   * closed with the model, or at once if loading fails). {@code rule} says how the backend was chosen.
   */
  public static LanguageModel load(Path path, Precision precision, Backend backend, String rule) {
    return load(ModelSource.of(path), precision, backend, rule);
  }

  /** As {@link #load(Path, Precision, Backend, String)} from a path or a channel ({@link ModelSource}). */
  public static LanguageModel load(ModelSource source, Precision precision, Backend backend, String rule) {
    long start = System.nanoTime();
    OpenModel files;
    try {
      files = ModelFiles.open(source);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    try {
      Tokenizer tokenizer = TokenizerLocator.forModel(files);
      files.releaseTokenizerLists();
      if (tokenizer.vocabSize() > files.spec().vocabSize()) {
        throw new MobiEditException(MobiEditException.Reason.MODEL_INCONSISTENT,
            "The tokenizer of " + source + " has " + tokenizer.vocabSize() + " tokens but the model's embedding has "
                + files.spec().vocabSize() + " rows: the tokenizer belongs to another model.");
      }
      long freeHeapBefore = freeHeapBytes();
      BackendModel bm;
      try {
        bm = backend.load(files, precision);
      } catch (OutOfMemoryError e) {
        // Release what the failed load still holds (the backend's partial copy) before building the message.
        backend.close();
        files.close();
        throw outOfHeap(source, precision, backend.id(), files.spec(), freeHeapBefore, e);
      }
      if (!bm.keepsModelFilesMapped()) {
        // The backend keeps its own copy (converted or quantized): unmap the file now so that its pages stop
        // counting against the process. The spec, metadata and tokenizer stay available.
        files.releaseTensorData();
      }
      long elapsed = System.nanoTime() - start;
      LOG.debug("Loaded {} on backend '{}' ({}) in {} ms", source, backend.id(), rule, elapsed / 1_000_000);
      return new LanguageModel(files, tokenizer, backend, bm, rule, elapsed);
    } catch (RuntimeException e) {
      backend.close();
      files.close();
      throw e;
    }
  }

  /**
   * The backend ran out of Java heap while loading: say how much there was, what the model's weights take (from its
   * parameter count, as {@code mobiedit inspect} reports it) and what to do.
   */
  private static MobiEditException outOfHeap(ModelSource source, Precision precision, String backendId, ModelSpec spec,
      long freeHeapBefore, OutOfMemoryError cause) {
    long parameters = spec.parameterCount();
    long fp32 = 4 * parameters;
    long needed = precision.quantizesWeights() ? parameters : fp32;
    long suggestedGib = ((needed + (1L << 30) - 1) >> 30) + 1;
    return new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
        "Loading " + source + " in " + precision.getId() + " on backend '" + backendId + "' ran out of Java heap: "
            + mibDown(freeHeapBefore) + " of the " + mibDown(Runtime.getRuntime().maxMemory()) + " maximum heap were"
            + " free, and the model's " + String.format(Locale.ROOT, "%,d", parameters) + " weights take about "
            + mibUp(fp32) + " as fp32 or " + mibUp(parameters) + " as int8. "
            + (precision.quantizesWeights() ? "Use" : "Load it in int8 precision, use") + " a smaller model, or give"
            + " the JVM a larger heap (-Xmx, e.g. MOBIEDIT_JAVA_OPTS=-Xmx" + suggestedGib + "g for the mobiedit"
            + " command; android:largeHeap in an app).", cause);
  }

  /** Whole MiB rounded up, so that a need is never understated. */
  private static String mibUp(long bytes) {
    return String.format(Locale.ROOT, "%,d MiB", Math.max(0, (bytes + (1L << 20) - 1) >> 20));
  }

  /** Whole MiB rounded down, so that what is free is never overstated. */
  private static String mibDown(long bytes) {
    return String.format(Locale.ROOT, "%,d MiB", Math.max(0, bytes >> 20));
  }

  @Override
  public int[] encodePrompt(String text) {
    return Generator.encodePrompt(tokenizer, text, spec().contextLength());
  }

  @Override
  public Generation generate(String prompt, GenerationOptions options) {
    return generate(encodePrompt(prompt), options, TokenListener.NONE);
  }

  @Override
  public Generation generate(int[] promptIds, GenerationOptions options, TokenListener listener) {
    return Generator.generate(backendModel, tokenizer, promptIds, options, listener);
  }

  /** Continues {@code prompt}, streaming each token's text to {@code listener}, which may stop it. */
  public Generation generate(String prompt, GenerationOptions options, TextListener listener) {
    return Generator.generate(backendModel, tokenizer, encodePrompt(prompt), options,
        (Generator.StoppableListener) (id, piece) -> listener.onText(piece));
  }

  @Override
  public AnswerScore score(String prompt, int[] answer) {
    return new AnswerScorer(backendModel, tokenizer).score(List.of(prompt), List.of(answer), 1).get(0);
  }

  @Override
  public List<AnswerScore> scoreAll(List<String> prompts, List<int[]> answers) {
    return new AnswerScorer(backendModel, tokenizer).score(prompts, answers, AnswerScorer.BATCH);
  }

  @Override
  public Precision precision() {
    return backendModel.precision();
  }

  @Override
  public MemoryUsage memory() {
    return backendModel.memory();
  }

  @Override
  public String fingerprint() {
    return files.fingerprint();
  }

  @Override
  public ModelSpec spec() {
    return files.spec();
  }

  /** The model's opened files (for the editor's patch files and the core's own use). */
  public OpenModel files() {
    return files;
  }

  @Override
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public BackendModel backendModel() {
    return backendModel;
  }

  @Override
  public String backendId() {
    return backend.id();
  }

  /** What the model's backend claims it can do; the edit engine checks it before using an optional operation. */
  public java.util.Set<org.mobiedit.spi.Capability> capabilities() {
    return backend.capabilities();
  }

  @Override
  public String backendRule() {
    return backendRule;
  }

  @Override
  public long loadNanos() {
    return loadNanos;
  }

  @Override
  public void close() {
    try {
      backendModel.close();
    } finally {
      try {
        backend.close();
      } finally {
        files.close();
      }
    }
  }

  /** The heap this process can still allocate: the maximum less what is in use (uncollected garbage counts). */
  private static long freeHeapBytes() {
    Runtime r = Runtime.getRuntime();
    return r.maxMemory() - (r.totalMemory() - r.freeMemory());
  }
}
