package org.mobiedit.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.mobiedit.api.EditCall;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.TextListener;

/** An editor that follows {@link FakeBackend}'s script. Operations are serialised, as on a real editor. */
final class FakeEditor implements Editor {
  private final FakeBackend fake;
  private final EditOptions options;
  private final List<FakePatch.Entry> applied = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private int counter;

  FakeEditor(FakeBackend fake, Path model, EditOptions options) {
    this.fake = fake;
    this.options = options;
    fake.opening(model);
  }

  @Override
  public EditCall newCall(EditRequest request, EditListener listener) {
    return new Call(request, listener);
  }

  private final class Call implements EditCall {
    private final EditRequest request;
    private final EditListener listener;
    private final AtomicBoolean executed = new AtomicBoolean();
    private final CountDownLatch cancelled = new CountDownLatch(1);

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
      synchronized (FakeEditor.this) {
        ensureOpen();
        return run();
      }
    }

    private EditResult run() {
      long start = System.nanoTime();
      EditScript.Outcome o = fake.editOutcome(request);
      int maxSteps = options.getMaxSteps();
      int steps = o.converge() ? Math.min(o.steps(), maxSteps) : maxSteps;
      boolean success = o.converge() && o.steps() <= maxSteps;
      failIfDue(o, 0);
      listener.onStart(request, maxSteps);
      listener.onPrefixCacheBuilt(0);
      float[] losses = new float[steps];
      long passes = 0;
      for (int step = 1; step <= steps; step++) {
        if (step == o.cancelAtStep()) {
          cancel();
        }
        if (waitOrCancelled(o.perStep())) {
          fake.cancelled(request);
          throw new MobiEditException(MobiEditException.Reason.CANCELLED,
              "The edit was cancelled at step " + step + "; the model is unchanged.");
        }
        failIfDue(o, step);
        // a loss that falls from 5 towards 0 over the scripted steps; it means nothing beyond "it moves"
        losses[step - 1] = 5f * (steps - step + 1) / steps;
        passes += options.getDirections() + 1;
        listener.onStep(step, maxSteps, losses[step - 1], passes);
      }
      listener.onEarlyStopCheck(steps, success);
      String answer = o.answer() != null ? o.answer() : " " + request.getNewObject();
      EditResult result = EditResult.builder(request)
          .success(success)
          .stopReason(success ? EditResult.StopReason.EARLY_STOP_SUCCESS : EditResult.StopReason.MAX_STEPS)
          .steps(steps)
          .forwardPasses(passes)
          .wallMillis((System.nanoTime() - start) / 1_000_000)
          .lossCurve(losses)
          .layer(options.getLayer() != null ? options.getLayer() : 0)
          .build();
      if (success) {
        applied.add(new FakePatch.Entry(uniqueName(), request, answer));
      }
      listener.onFinish(result);
      return result;
    }

    private void failIfDue(EditScript.Outcome o, int step) {
      MobiEditException failure = o.failure();
      if (failure != null && o.failAtStep() == step) {
        throw new MobiEditException(failure.getReason(), failure.getMessage());
      }
    }

    /** Waits for a step's delay; true if the call is (or becomes) cancelled. */
    private boolean waitOrCancelled(Duration d) {
      try {
        return cancelled.await(d.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    }

    @Override
    public void cancel() {
      cancelled.countDown();
    }

    @Override
    public boolean isCanceled() {
      return cancelled.getCount() == 0;
    }
  }

  private String uniqueName() {
    while (true) {
      String name = "edit-" + (++counter);
      if (applied.stream().noneMatch(e -> e.name().equals(name))) {
        return name;
      }
    }
  }

  @Override
  public synchronized Generation generate(String prompt, GenerationOptions options) {
    return generate(prompt, options, piece -> true);
  }

  /** The scripted or learned answer, one code point per token, each streamed to {@code listener}, which may stop it. */
  @Override
  public synchronized Generation generate(String prompt, GenerationOptions options, TextListener listener) {
    ensureOpen();
    GenerationScript.Reply reply = fake.generationReply(prompt);
    String text = "";
    if (reply != null) {
      FakeBackend.pause(reply.delay());
      if (reply.failure() != null) {
        throw new MobiEditException(reply.failure().getReason(), reply.failure().getMessage());
      }
      text = reply.text();
    } else {
      for (FakePatch.Entry e : applied) { // the latest edit whose prompt the text contains answers
        if (prompt.contains(e.request().getPrompt())) {
          text = e.answer();
        }
      }
    }
    int[] answer = text.codePoints().limit(options.getMaxTokens()).toArray();
    int count = 0;
    boolean stopped = false;
    while (count < answer.length && !stopped) {
      stopped = !listener.onText(new String(answer, count, 1));
      count++;
    }
    int[] generated = java.util.Arrays.copyOf(answer, count);
    String cut = new String(generated, 0, generated.length);
    Generation.StopReason reason = stopped ? Generation.StopReason.STOPPED
        : generated.length < options.getMaxTokens() ? Generation.StopReason.END_OF_SEQUENCE
            : Generation.StopReason.MAX_TOKENS;
    return new Generation(prompt.codePoints().toArray(), generated, cut, reason, 0, 0);
  }

  @Override
  public synchronized void undoLast() {
    ensureOpen();
    if (applied.isEmpty()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "There is no edit to undo.");
    }
    applied.remove(applied.size() - 1);
  }

  @Override
  public synchronized void undo(String name) {
    ensureOpen();
    if (!applied.removeIf(e -> e.name().equals(name))) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "No applied edit is named \"" + name + "\"; applied: " + getAppliedEdits() + ".");
    }
  }

  @Override
  public synchronized List<String> getAppliedEdits() {
    return Collections.unmodifiableList(applied.stream().map(FakePatch.Entry::name).collect(Collectors.toList()));
  }

  @Override
  public synchronized void save(Path file) {
    ensureOpen();
    FakePatch.write(file, applied);
  }

  @Override
  public synchronized void load(Path file) {
    ensureOpen();
    List<FakePatch.Entry> entries = FakePatch.read(file);
    for (FakePatch.Entry e : entries) {
      if (getAppliedEdits().contains(e.name())) {
        throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
            file + ": an edit named \"" + e.name() + "\" is already applied (was this file loaded twice?).");
      }
    }
    applied.addAll(entries);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "This editor is closed: open a new one with MobiEdit.open.");
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      fake.closed();
    }
  }
}
