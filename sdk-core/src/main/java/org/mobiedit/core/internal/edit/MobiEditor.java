package org.mobiedit.core.internal.edit;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditCall;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.TextListener;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.internal.store.EditPatch;
import org.mobiedit.core.internal.store.StoredEdit;
import org.mobiedit.core.internal.store.StoredUpdate;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.numerics.ActivationScales;

/**
 * The SDK's {@link Editor}: one model on one backend, edits applied in order and kept for the editor's lifetime
 * (undo removes the last one exactly). Operations are serialised.
 *
 * <p>The model's weights change in one place only, {@link #record}, which applies an update and adds it to the list
 * of applied edits together; {@link #unrecord} is its inverse. An edit's search leaves the model as it was (see
 * {@link EditEngine#propose}), so a failure anywhere before the record (a listener's exception, a cancellation, a
 * backend failure) leaves the model bit-identical and the list unchanged.
 *
 * <p>Apps open editors with {@link org.mobiedit.core.MobiEdit#open}, which also lets a test backend stand in; this
 * class is the engine-backed editor behind it, made directly by tools that hold a {@link LanguageModel} already.
 */
public final class MobiEditor implements Editor {
  private final LanguageModel model;
  private final EditOptions options;
  private final EditEngine engine;
  private final BackendCapabilities capabilities;
  /** Held by the one operation that runs; {@link #close()} takes it to wait for that operation. */
  private final ReentrantLock lock = new ReentrantLock();
  /** Set first by {@link #close()}: running edits stop at their next step, new operations are refused. */
  private volatile boolean closed;
  /** Whether the model was closed (under the lock). */
  private boolean released;
  /** Edits applied and not undone, most recent first, with their backend handles (under the lock). */
  private final Deque<Applied> applied = new ArrayDeque<>();
  private int counter;

  /**
   * An applied edit, the backend handles of its updates not yet reverted (the last written on top), and the static
   * activation scales to put back when it is undone: those in force before it calibrated, or, after an older edit was
   * undone out of order, that edit's (so that undoing every edit, in any order, ends at the scales of the model before
   * the first).
   */
  private static final class Applied {
    final Deque<Long> handles = new ArrayDeque<>();
    final StoredEdit edit;
    @Nullable ActivationScales scalesBefore;

    Applied(StoredEdit edit, @Nullable ActivationScales scalesBefore) {
      this.edit = edit;
      this.scalesBefore = scalesBefore;
    }
  }

  public MobiEditor(LanguageModel model, EditOptions options) {
    this.model = model;
    this.options = options;
    this.engine = new EditEngine(model);
    this.capabilities = BackendCapabilities.of(model.backendId(), model.capabilities());
  }

  @Override
  public EditCall newCall(EditRequest request, EditListener listener) {
    return new Call(request, listener);
  }

  /**
   * Runs one operation under the lock, on an open editor. A listener of a running edit runs on the edit's thread
   * while it holds the lock; it may not use the editor (except to close it), since the edit's search assumes the
   * model does not change under it.
   */
  private <T> T locked(String operation, Supplier<T> body) {
    if (lock.isHeldByCurrentThread()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Cannot " + operation + " from inside an operation of the same editor (an EditListener calling its own"
              + " editor?): the running edit would see the model change under it. Do it after execute() returns.");
    }
    lock.lock();
    try {
      if (closed) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
            "Cannot " + operation + ": the editor is closed. Open a new editor with MobiEdit.open.");
      }
      return body.get();
    } finally {
      if (closed) {
        release(); // close() was called by this operation's own listener; it could not wait for itself
      }
      lock.unlock();
    }
  }

  private void locked(String operation, Runnable body) {
    locked(operation, () -> {
      body.run();
      return null;
    });
  }

  private EditResult run(EditRequest request, EditListener listener, BooleanSupplier cancelled) {
    EditEngine.Proposal p = engine.propose(request, options, appliedInOrder(), listener,
        () -> closed || cancelled.getAsBoolean());
    if (p.keep()) {
      List<StoredUpdate> updates = new ArrayList<>();
      for (RankOneUpdate u : p.updates()) {
        updates.add(u.stored());
      }
      record(new StoredEdit(uniqueName(), request, updates), p.scalesBefore());
    }
    return p.result();
  }

  /**
   * The one place the weights change: applies an edit's updates and lists it, all or nothing (on a failure the
   * activation scales go back to {@code scalesBefore} as well).
   */
  private void record(StoredEdit edit, @Nullable ActivationScales scalesBefore) {
    BackendModel backend = model.backendModel();
    Applied a = new Applied(edit, scalesBefore);
    try {
      for (StoredUpdate u : edit.updates()) {
        a.handles.push(backend.applyRankOne(u.layer(), u.left(), u.right()));
      }
      applied.push(a);
    } catch (RuntimeException | Error e) {
      revert(a, e);
      throw e;
    }
  }

  /**
   * The inverse of {@link #record}: reverts the edit's updates, the last written first, then removes it from the list
   * (kept, with the updates not yet reverted, if a revert fails). Undoing the most recent edit puts back the scales it
   * found; an older one hands them to the edit after it.
   */
  private void unrecord(Applied a) {
    while (!a.handles.isEmpty()) {
      model.backendModel().revertRankOne(a.handles.peek());
      a.handles.pop();
    }
    Applied newer = null;
    for (Applied x : applied) {
      if (x == a) {
        break;
      }
      newer = x;
    }
    if (newer == null) {
      EditCalibration.restore(model.backendModel(), a.scalesBefore);
    } else {
      newer.scalesBefore = a.scalesBefore;
    }
    applied.remove(a);
  }

  private void revert(Applied a, Throwable failure) {
    for (long handle : a.handles) {
      try {
        model.backendModel().revertRankOne(handle);
      } catch (RuntimeException | Error e) {
        failure.addSuppressed(e);
      }
    }
    try {
      EditCalibration.restore(model.backendModel(), a.scalesBefore);
    } catch (RuntimeException | Error e) {
      failure.addSuppressed(e);
    }
  }

  /** One edit of this editor. */
  private final class Call implements EditCall {
    private final EditRequest request;
    private final EditListener listener;
    private final AtomicBoolean executed = new AtomicBoolean();
    private volatile boolean canceled;

    Call(EditRequest request, EditListener listener) {
      this.request = request;
      this.listener = listener;
    }

    @Override
    public EditRequest getRequest() {
      return request;
    }

    @Override
    public EditResult execute() {
      if (!executed.compareAndSet(false, true)) {
        throw new IllegalStateException("this edit call already ran");
      }
      return locked("edit", () -> run(request, listener, () -> canceled));
    }

    @Override
    public void cancel() {
      canceled = true;
    }

    @Override
    public boolean isCanceled() {
      return canceled;
    }
  }

  private String uniqueName() {
    while (true) {
      String name = "edit-" + (++counter);
      if (applied.stream().noneMatch(a -> a.edit.name().equals(name))) {
        return name;
      }
    }
  }

  @Override
  public void undoLast() {
    locked("undo the last edit", () -> {
      if (applied.isEmpty()) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "There is no edit to undo.");
      }
      unrecord(applied.peek());
    });
  }

  @Override
  public void undo(String name) {
    locked("undo an edit", () -> {
      for (Applied a : applied) {
        if (a.edit.name().equals(name)) {
          unrecord(a);
          return;
        }
      }
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "No applied edit is named " + Excerpt.quoted(name) + "; applied: " + names() + ".");
    });
  }

  @Override
  public List<String> getAppliedEdits() {
    return locked("list the applied edits", this::names);
  }

  private List<String> names() {
    List<String> out = new ArrayList<>();
    for (StoredEdit e : appliedInOrder()) {
      out.add(e.name());
    }
    return out;
  }

  /** The applied edits, oldest first (under the lock). */
  private List<StoredEdit> appliedInOrder() {
    List<StoredEdit> out = new ArrayList<>();
    applied.descendingIterator().forEachRemaining(a -> out.add(a.edit));
    return out;
  }

  @Override
  public void save(Path file) {
    locked("save the edits", () -> {
      new EditPatch(model.files().fingerprint(), appliedInOrder(), scalesAfterEach()).write(file);
    });
  }

  /**
   * By edit name, the activation scales the model ran on once each applied edit was in place: those the next newer
   * edit puts back when undone, and the model's own for the newest. Empty when the model's activations are float.
   */
  private Map<String, ActivationScales> scalesAfterEach() {
    Map<String, ActivationScales> out = new HashMap<>();
    if (!model.backendModel().precision().quantizesActivations()) {
      return out;
    }
    ActivationScales after = model.backendModel().activationScales();
    for (Applied a : applied) { // newest first
      if (after != null) {
        out.put(a.edit.name(), after);
      }
      after = a.scalesBefore;
    }
    return out;
  }

  /**
   * Checks every edit of the file against this model before applying any, then applies them all; if applying one
   * fails, the ones applied before it are reverted, so the file is applied whole or not at all. On a model that
   * quantizes its activations, each edit's saved scales are put in force after it when they are on the model's grid,
   * so the model computes as it did when the edits were saved; undoing an edit puts back the scales before it.
   */
  @Override
  public void load(Path file) {
    locked("load edits", () -> {
      capabilities.require(Capability.RANK_ONE_UPDATE, "applying saved edits");
      EditPatch patch = EditPatch.read(file);
      String mine = model.files().fingerprint();
      if (!patch.modelFingerprint().equals(mine)) {
        throw refused(file, "it holds edits for another model (fingerprint "
            + Excerpt.quoted(patch.modelFingerprint()) + "; this model's is " + mine
            + "). Apply it to the model it was made with");
      }
      List<StoredEdit> edits = patch.edits();
      List<String> names = names();
      for (int i = 0; i < edits.size(); i++) {
        StoredEdit e = edits.get(i);
        String which = "edit " + (i + 1) + " of " + edits.size() + " (" + Excerpt.quoted(e.name()) + ")";
        if (names.contains(e.name())) {
          throw refused(file, which + " is already applied (was this file loaded twice?)");
        }
        String misfit = e.misfitFor(model.spec());
        if (misfit != null) {
          throw refused(file, which + " cannot be applied to this model: " + misfit
              + ". The file is damaged or was not written by this SDK; restore it from a backup or make the edits"
              + " again");
        }
      }
      int before = applied.size();
      for (int i = 0; i < edits.size(); i++) {
        try {
          record(edits.get(i), EditCalibration.saved(model.backendModel()));
          EditCalibration.restoreSaved(model.backendModel(), patch.scalesAfter().get(edits.get(i).name()));
        } catch (RuntimeException | Error e) {
          while (applied.size() > before) {
            try {
              unrecord(applied.peek());
            } catch (RuntimeException | Error again) {
              e.addSuppressed(again);
              break;
            }
          }
          if (e instanceof Error error) {
            throw error;
          }
          throw new MobiEditException(MobiEditException.Reason.EDIT_STORE, file + ": applying edit " + (i + 1)
              + " of " + edits.size() + " failed (" + e.getMessage() + "); the edits of the file applied before it"
              + " were reverted, so none of it is applied.", e);
        }
      }
    });
  }

  private static MobiEditException refused(Path file, String why) {
    return new MobiEditException(MobiEditException.Reason.EDIT_STORE,
        "Cannot load the edits of " + file + ": " + why + ". Nothing of the file was applied.");
  }

  @Override
  public Generation generate(String prompt, GenerationOptions options) {
    return locked("generate", () -> model.generate(prompt, options));
  }

  @Override
  public Generation generate(String prompt, GenerationOptions options, TextListener listener) {
    if (listener == null) {
      throw new IllegalArgumentException("give a listener for the streamed text");
    }
    return locked("generate", () -> model.generate(prompt, options, listener));
  }

  /** The model, for tools; using it after {@link #close()} fails as the backend documents. */
  public LanguageModel model() {
    return model;
  }

  /**
   * Closes the editor and its model: a running edit is cancelled at its next step (nothing of it is applied), a
   * running operation is waited for, then the model is released. Every later operation fails with
   * {@code INVALID_REQUEST}. Called from a listener of this editor's own running edit, it cannot wait for that edit:
   * the edit is cancelled and the model released as the edit unwinds.
   */
  @Override
  public void close() {
    closed = true;
    if (lock.isHeldByCurrentThread()) {
      return; // the operation that holds the lock releases the model as it ends (see locked)
    }
    lock.lock();
    try {
      release();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the model once (under the lock). */
  private void release() {
    if (!released) {
      released = true;
      applied.clear();
      model.close();
    }
  }
}
