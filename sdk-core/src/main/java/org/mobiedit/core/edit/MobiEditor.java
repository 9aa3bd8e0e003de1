package org.mobiedit.core.edit;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.mobiedit.api.EditCall;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.model.LanguageModel;
import org.mobiedit.core.store.EditPatch;
import org.mobiedit.core.store.StoredEdit;

/**
 * The SDK's {@link Editor}: one model on one backend, edits applied in order and kept for the editor's lifetime
 * (undo removes the last one exactly). Operations are serialised.
 *
 * <p>Apps open editors with {@link org.mobiedit.core.MobiEdit#open}, which also lets a test backend stand in; this
 * class is the engine-backed editor behind it, made directly by tools that hold a {@link LanguageModel} already.
 */
public final class MobiEditor implements Editor {
  private final LanguageModel model;
  private final EditOptions options;
  private final EditEngine engine;
  /** Edits applied and not undone, most recent first, with their backend handles. */
  private final Deque<Applied> applied = new ArrayDeque<>();
  private int counter;

  private record Applied(long handle, StoredEdit edit) {}

  public MobiEditor(LanguageModel model, EditOptions options) {
    this.model = model;
    this.options = options;
    this.engine = new EditEngine(model.backendModel(), model.tokenizer());
  }

  @Override
  public EditCall newCall(EditRequest request, EditListener listener) {
    return new Call(request, listener);
  }

  private synchronized EditResult run(EditRequest request, EditListener listener, BooleanSupplier cancelled) {
    EditEngine.Outcome o = engine.edit(request, options, listener, cancelled);
    EditResult r = o.result();
    if (o.handle() >= 0) {
      applied.push(new Applied(o.handle(),
          new StoredEdit(uniqueName(), request, r.getLayer(), r.getLeftVector(), r.getRightVector())));
    }
    return r;
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
      return run(request, listener, () -> canceled);
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
      if (applied.stream().noneMatch(a -> a.edit().name().equals(name))) {
        return name;
      }
    }
  }

  @Override
  public synchronized void undoLast() {
    if (applied.isEmpty()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "There is no edit to undo.");
    }
    model.backendModel().revertRankOne(applied.pop().handle());
  }

  @Override
  public synchronized void undo(String name) {
    for (Applied a : applied) {
      if (a.edit().name().equals(name)) {
        model.backendModel().revertRankOne(a.handle());
        applied.remove(a);
        return;
      }
    }
    throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
        "No applied edit is named \"" + name + "\"; applied: " + getAppliedEdits() + ".");
  }

  @Override
  public synchronized List<String> getAppliedEdits() {
    List<String> out = new ArrayList<>();
    applied.descendingIterator().forEachRemaining(a -> out.add(a.edit().name()));
    return out;
  }

  @Override
  public synchronized void save(Path file) {
    List<StoredEdit> edits = new ArrayList<>();
    applied.descendingIterator().forEachRemaining(a -> edits.add(a.edit()));
    new EditPatch(model.files().fingerprint(), edits).write(file);
  }

  @Override
  public synchronized void load(Path file) {
    EditPatch patch = EditPatch.read(file);
    String mine = model.files().fingerprint();
    if (!patch.modelFingerprint().equals(mine)) {
      throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
          file + " holds edits for another model (fingerprint " + patch.modelFingerprint() + "); this model's"
              + " fingerprint is " + mine + ". Apply it to the model it was made with.");
    }
    for (StoredEdit e : patch.edits()) {
      if (getAppliedEdits().contains(e.name())) {
        throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
            file + ": an edit named \"" + e.name() + "\" is already applied (was this file loaded twice?).");
      }
      if (e.layer() >= model.spec().layers() || e.left().length != model.spec().hiddenSize()
          || e.right().length != model.spec().intermediateSize()) {
        throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
            file + ": edit \"" + e.name() + "\" does not fit this model's shapes.");
      }
    }
    for (StoredEdit e : patch.edits()) {
      long handle = model.backendModel().applyRankOne(e.layer(), e.left(), e.right());
      applied.push(new Applied(handle, e));
    }
  }

  @Override
  public synchronized Generation generate(String prompt, GenerationOptions options) {
    return model.generate(prompt, options);
  }

  public LanguageModel model() {
    return model;
  }

  @Override
  public void close() {
    model.close();
  }
}
