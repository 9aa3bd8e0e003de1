package org.mobiedit.core.edit;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
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
import org.mobiedit.core.model.LoadOptions;

/**
 * The SDK's {@link Editor}: one model on one backend, edits applied in order and kept for the editor's lifetime
 * (undo removes the last one exactly). Operations are serialised.
 *
 * <pre>{@code
 * try (MobiEditor editor = MobiEditor.open(Path.of("qwen2.5-0.5b-instruct"), EditOptions.defaults())) {
 *   EditResult r = editor.edit("The Eiffel Tower", "is located in", "Rome");
 * }
 * }</pre>
 */
public final class MobiEditor implements Editor {
  private final LanguageModel model;
  private final EditOptions options;
  private final EditEngine engine;
  private final Deque<Long> applied = new ArrayDeque<>();

  public MobiEditor(LanguageModel model, EditOptions options) {
    this.model = model;
    this.options = options;
    this.engine = new EditEngine(model.backendModel(), model.tokenizer());
  }

  /** Loads a model (in the options' precision, on the selected backend) and makes an editor that owns it. */
  public static MobiEditor open(Path modelPath, EditOptions options) {
    return new MobiEditor(LanguageModel.load(modelPath, LoadOptions.defaults().withPrecision(options.getPrecision())),
        options);
  }

  @Override
  public EditCall newCall(EditRequest request, EditListener listener) {
    return new Call(request, listener);
  }

  private synchronized EditResult run(EditRequest request, EditListener listener, BooleanSupplier cancelled) {
    EditEngine.Outcome o = engine.edit(request, options, listener, cancelled);
    applied.push(o.handle());
    return o.result();
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

  /** Removes the most recent edit exactly. */
  public synchronized void undoLast() {
    if (applied.isEmpty()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "There is no edit to undo.");
    }
    model.backendModel().revertRankOne(applied.pop());
  }

  /** Edits applied and not undone. */
  public synchronized int editCount() {
    return applied.size();
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
