package org.mobiedit.core.internal.edit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.EditRows;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.internal.store.StoredEdit;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.numerics.ActivationScales;

/**
 * One MobiEdit edit (docs/algorithm.md of the shared docs), step by step in {@link #propose}; each step is a class of
 * this package, listed in order in the package documentation.
 *
 * <p>The search leaves the model as it found it, whatever happens; writing the update is one separate step after
 * every listener hook has returned, so a failure can never leave part of an edit behind.
 */
public final class EditEngine {
  private final BackendModel model;
  private final Tokenizer tokenizer;
  private final BackendCapabilities capabilities;
  private final KeyStatisticsCache statistics;

  /**
   * An engine for a backend model handed over without its backend (tools, kits and tests): its capabilities are not
   * known, so an editing operation the backend lacks fails when it is called rather than before the edit starts.
   */
  public EditEngine(BackendModel model, Tokenizer tokenizer) {
    this(model, tokenizer, BackendCapabilities.unknown(), new KeyStatisticsCache(model, tokenizer));
  }

  /**
   * An engine for a model loaded on backend {@code backendId}, which claims {@code capabilities}: an edit on a
   * backend without {@link Capability#LAYER_CAPTURE}, {@link Capability#RESUME_WITH_INJECTION} or
   * {@link Capability#RANK_ONE_UPDATE} is refused before any work ({@code BACKEND_UNSUPPORTED_OPERATION}).
   */
  public EditEngine(BackendModel model, Tokenizer tokenizer, String backendId, Set<Capability> capabilities) {
    this(model, tokenizer, BackendCapabilities.of(backendId, capabilities), new KeyStatisticsCache(model, tokenizer));
  }

  /**
   * An engine for a loaded model, checking its backend's capabilities before every edit and using the model's prepared
   * key statistics when it has them ({@link PreparedKeyStatistics}).
   */
  public EditEngine(LanguageModel model) {
    this(model.backendModel(), model.tokenizer(), BackendCapabilities.of(model.backendId(), model.capabilities()),
        new KeyStatisticsCache(model.backendModel(), model.tokenizer(), PreparedKeyStatistics.location(model),
            PreparedKeyStatistics.expected(model)));
  }

  private EditEngine(BackendModel model, Tokenizer tokenizer, BackendCapabilities capabilities,
      KeyStatisticsCache statistics) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.capabilities = capabilities;
    this.statistics = statistics;
  }

  /**
   * The default edited layer: about 17% of the depth, rounded (6 of 36 layers, 5 of 28; the paper edits layer 5 of
   * both Qwen2.5-3B and Llama-3.2-3B).
   */
  public static int defaultLayer(int layers) {
    return Math.max(0, Math.min(layers - 1, (int) Math.round(layers * 0.17)));
  }

  /**
   * The rows an edit of {@code request} with these context templates runs on
   * ({@link org.mobiedit.core.Model#editRows}).
   */
  public static EditRows rows(Tokenizer tokenizer, EditRequest request, List<String> templates, int contextLength) {
    EditBatch b = EditBatch.build(tokenizer, request, templates, contextLength);
    return new EditRows(b.rows, b.lookup, b.labelPositions, b.target);
  }

  /** Runs the edit and leaves the rank-one update applied; returns its result and the update's handle. */
  public Outcome edit(EditRequest request, EditOptions options) {
    return edit(request, options, EditListener.NONE, () -> false);
  }

  /**
   * As {@link #edit(EditRequest, EditOptions)}, reporting progress and checking {@code cancelled} before every step;
   * a cancelled or failed edit (including an exception thrown by the listener) leaves nothing applied and throws.
   * For tools that keep the handle themselves; an {@link org.mobiedit.api.Editor} records the update instead
   * ({@link MobiEditor}).
   */
  public Outcome edit(EditRequest request, EditOptions options, EditListener listener, BooleanSupplier cancelled) {
    Proposal p = propose(request, options, List.of(), listener, cancelled);
    List<Long> handles = new ArrayList<>();
    if (p.keep()) {
      try {
        for (RankOneUpdate u : p.updates()) {
          handles.add(u.writeTo(model));
        }
      } catch (RuntimeException | Error e) {
        new Outcome(p.result(), handles, p.scalesBefore()).revert(model);
        throw e;
      }
    }
    return new Outcome(p.result(), handles, p.scalesBefore());
  }

  /**
   * The search of one edit, every listener hook included ({@link EditListener#onFinish} last): the result and
   * whether its update is to be written. The model is exactly as it was when this returns or throws: candidate
   * updates (the early-stopping checks and the final success check) are applied only around one forward pass each
   * and reverted before any listener hook runs, so a listener that throws, a cancellation, a backend failure or a
   * non-finite loss can never leave one behind. With static activation quantization the edit calibrates on its own
   * rows; the scales it found are put back when this throws or writes nothing, and otherwise stay with the edit until
   * it is undone ({@link Proposal#scalesBefore()}). Writing the update is the caller's one step
   * ({@link #edit(EditRequest, EditOptions, EditListener, BooleanSupplier)}, or the editor's record of applied edits).
   *
   * @param earlier the edits applied to the model before this one, whose keys the update leaves unmoved when
   *     {@link EditOptions#isProtectEarlierEdits()} is on (those at other layers, or without a key, are not affected
   *     by this edit's write or cannot be protected)
   */
  Proposal propose(EditRequest request, EditOptions options, List<StoredEdit> earlier, EditListener listener,
      BooleanSupplier cancelled) {
    capabilities.requireForEdit();
    ActivationScales before = EditCalibration.saved(model);
    Proposal p;
    try {
      p = search(request, options, earlier, listener, cancelled, before);
    } catch (RuntimeException | Error e) {
      restoreScales(before, e);
      throw e;
    }
    if (!p.keep()) {
      EditCalibration.restore(model, before);
    }
    return p;
  }

  /** Puts back the activation scales after a failure, keeping the failure as what is thrown. */
  private void restoreScales(@Nullable ActivationScales before, Throwable failure) {
    try {
      EditCalibration.restore(model, before);
    } catch (RuntimeException | Error e) {
      failure.addSuppressed(e);
    }
  }

  private Proposal search(EditRequest request, EditOptions options, List<StoredEdit> earlier, EditListener listener,
      BooleanSupplier cancelled, @Nullable ActivationScales scalesBefore) {
    long start = System.nanoTime();
    int editLayer = layer(options);
    Cancellation cancellation = new Cancellation(cancelled);
    // Refuse a request that cannot fit before anything is tokenized or sampled (the templates come from the model).
    EditBatch.checkFits(tokenizer, request, List.of("{}"), model.spec().contextLength());
    cancellation.check(0);
    EditCalibration.calibrateOnPrompt(model, tokenizer, request);
    List<String> templates = ContextTemplates.generate(model, tokenizer, options.getContextTemplates(),
        options.getSeed());
    EditBatch batch = EditBatch.build(tokenizer, request, templates, model.spec().contextLength());
    EditCalibration.calibrateOnEdit(model, batch);
    cancellation.check(0);
    EarlierEdits protect = EarlierEdits.of(tokenizer, earlier, model.spec().contextLength());
    LayerChoice.Choice choice = LayerChoice.choose(model, batch, options, statistics, protect, editLayer,
        KeyDirection.capture(model, batch, editLayer, options, statistics, protect));
    int layer = choice.layer();
    KeyDirection key = choice.key();
    batch = batch.withKeptFacts(keptFacts(request, earlier, key));
    EditLoss loss = EditLoss.forEdit(model, batch, options, key.t0NormSquared());
    int hidden = model.spec().hiddenSize();
    EditOptions searching = searchOptions(options, !earlier.isEmpty());
    ForwardOnlyEstimator estimator = ForwardOnlyEstimator.forEdit(searching, key.t0NormSquared(), hidden,
        model.precision());
    RewriteCheck rewrite = new RewriteCheck(model, batch);
    // So far: the keys of the rewrite rows (at each layer the choice looked at), the essence row, and the check below.
    long forwardPasses = KeyDirection.capturePasses(batch, options, protect, statistics) + 1L + 1
        + choice.forwardPasses() + key.sameSubject().length;
    EditResult.Builder result = EditResult.builder(request).layer(layer).contextTemplates(templates);
    listener.onStart(request, options.getMaxSteps());
    if (rewrite.passes()) {
      // The model already answers with the new object: nothing to write. (This count is one more than ran; kept so
      // that results stay comparable with earlier versions.)
      result.success(true).stopReason(EditResult.StopReason.EARLY_STOP_SUCCESS).steps(0)
          .forwardPasses(forwardPasses + 1);
      return finish(result, List.of(RankOneUpdate.none(layer, hidden, key)), false, scalesBefore, start,
          cancellation, listener);
    }
    ValueSearch search = new ValueSearch(searching, layer, hidden, key, loss, estimator, rewrite);
    ValueSearch.Found found;
    boolean success;
    try (PrefixCachePlan forwards = PrefixCachePlan.open(model, batch, layer, options, listener)) {
      found = search.run(forwards, listener, cancellation, forwardPasses);
      // The final success check (after an early stop, a repeat of the check the same update passed).
      success = rewrite.passesWith(found.update());
    }
    LayerSpread.Spread spread = success
        ? LayerSpread.of(model, batch, options, statistics, protect, key, found.update(), rewrite)
        : new LayerSpread.Spread(List.of(found.update()), 0);
    result.success(success).stopReason(found.reason()).steps(found.steps())
        .forwardPasses(found.forwardPasses() + 1 + spread.forwardPasses()).lossCurve(found.lossCurve());
    return finish(result, spread.updates(), success || options.isKeepUnsuccessful(), scalesBefore, start,
        cancellation, listener);
  }

  /**
   * The options an edit's search runs with: {@code options} for an editor's first edit; for an edit made while the
   * editor holds others ({@code holdsEdits}), {@link EditOptions#getSequentialDirections()} and
   * {@link EditOptions#getSequentialLearningRate()} in place of the directions and the learning rate, where set.
   */
  static EditOptions searchOptions(EditOptions options, boolean holdsEdits) {
    if (!holdsEdits) {
      return options;
    }
    EditOptions.Builder b = options.toBuilder();
    if (options.getSequentialDirections() > 0) {
      b.directions(options.getSequentialDirections());
    }
    if (options.getSequentialLearningRate() > 0) {
      b.learningRate(options.getSequentialLearningRate());
    }
    return b.build();
  }

  /**
   * The facts of earlier edits that share this edit's subject key (so the update cannot leave them unmoved) and that
   * the model still answers: the search keeps them. One that asks this edit's own prompt is what this edit replaces,
   * and one no longer answered is not brought back. One forward pass each.
   */
  private List<EditBatch> keptFacts(EditRequest request, List<StoredEdit> earlier, KeyDirection key) {
    List<EditBatch> kept = new ArrayList<>();
    for (int i : key.sameSubject()) {
      EditRequest fact = earlier.get(i).request();
      if (fact.getPrompt().equals(request.getPrompt())) {
        continue;
      }
      EditBatch plain = EditBatch.build(tokenizer, fact, List.of("{}"), model.spec().contextLength());
      if (new RewriteCheck(model, plain).passes()) {
        kept.add(plain);
      }
    }
    return kept;
  }

  /** The edited layer: the options' or the default; refuses one the model does not have. */
  private int layer(EditOptions options) {
    int layers = model.spec().layers();
    int layer = options.getLayer() == null ? defaultLayer(layers) : options.getLayer();
    if (layer < 0 || layer >= layers) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Edit layer " + layer + " does not exist: the model has layers 0.." + (layers - 1) + ".");
    }
    return layer;
  }

  /** Completes the result with the update and the time, checks for a cancellation, and reports the end. */
  private static Proposal finish(EditResult.Builder result, List<RankOneUpdate> updates, boolean keep,
      @Nullable ActivationScales scalesBefore, long start, Cancellation cancellation, EditListener listener) {
    RankOneUpdate first = updates.get(0);
    EditResult done = result.rankOne(first.left(), first.right())
        .wallMillis((System.nanoTime() - start) / 1_000_000).build();
    cancellation.check(done.getSteps());
    listener.onFinish(done);
    return new Proposal(done, updates, keep, scalesBefore);
  }

  /**
   * The result of an edit and the backend handles of its rank-one updates (for undo).
   *
   * @param result what the edit did
   * @param handles the handles of the updates written, in the order written (one per layer the edit was spread
   *     over); empty when nothing was written (the target was already predicted, or the edit did not succeed and was
   *     not kept)
   * @param scalesBefore the static activation scales in force before the edit (null: none, or not quantized)
   */
  public record Outcome(EditResult result, List<Long> handles, @Nullable ActivationScales scalesBefore) {
    public Outcome {
      handles = List.copyOf(handles);
    }

    /** Whether the edit wrote anything. */
    public boolean written() {
      return !handles.isEmpty();
    }

    /**
     * Undoes the edit: reverts its updates, the last written first, and puts back the activation scales it found
     * (bit for bit the model before the edit, when it is the last thing that changed the model).
     */
    public void revert(BackendModel model) {
      for (int h = handles.size() - 1; h >= 0; h--) {
        model.revertRankOne(handles.get(h));
      }
      EditCalibration.restore(model, scalesBefore);
    }
  }

  /**
   * What the search found, with the model unchanged.
   *
   * @param result what the edit did; its layer and vectors are those of the first update
   * @param updates the rank-one updates to write, in order: the edit layer's, then those of the layers it was spread
   *     over ({@link LayerSpread}); each carries its key for later edits to protect
   * @param keep whether to write them: false when the model already answered with the new object, or when the edit
   *     did not succeed and {@link EditOptions#isKeepUnsuccessful()} is off
   * @param scalesBefore the static activation scales in force before the edit calibrated on its rows (null: none, or
   *     activations not quantized); when the updates are kept, the model keeps the edit's scales, and undoing the edit
   *     puts these back ({@link EditCalibration#restore}); when they are not, these are already back
   */
  record Proposal(EditResult result, List<RankOneUpdate> updates, boolean keep,
      @Nullable ActivationScales scalesBefore) {}
}
