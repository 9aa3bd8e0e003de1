package com.example.notes;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import org.mobiedit.api.EditCall;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.MobiEdit;

/**
 * An app's class (think of a screen's view model): teaches the on-device model a fact the user typed, shows progress,
 * lets the user cancel, and answers questions with the edited model. It knows the SDK only through {@link Editor}.
 */
public final class FactTeacher implements AutoCloseable {
  /** What the screen shows after an attempt. */
  public sealed interface Outcome {
    /** The model now answers with the new fact. */
    record Learned(String answer, int steps) implements Outcome {}

    /** The model could not be taught this fact; nothing changed. */
    record NotLearned(String why) implements Outcome {}

    /** The user cancelled; nothing changed. */
    record Cancelled() implements Outcome {}
  }

  /** Where progress goes (a progress bar). */
  public interface ProgressView {
    void show(int percent);
  }

  private final Editor editor;
  private final ProgressView progress;
  private volatile EditCall current;

  /** Production wiring: the SDK picks the device's best backend (in unit tests, the fake). */
  public FactTeacher(Path model, ProgressView progress) {
    this(m -> MobiEdit.open(m, EditOptions.recommended()), model, progress);
  }

  /** For tests that hand in their own editor (a Mockito mock, for example). */
  public FactTeacher(Function<Path, Editor> opener, Path model, ProgressView progress) {
    this.editor = Objects.requireNonNull(opener.apply(model));
    this.progress = progress;
  }

  /** Teaches "subject relation → answer"; blocks until done (call it off the UI thread). */
  public Outcome teach(String subject, String relation, String answer) {
    EditRequest request;
    try {
      request = EditRequest.of(subject, relation, answer);
    } catch (MobiEditException e) {
      return new Outcome.NotLearned("Please fill in all three fields.");
    }
    EditCall call = editor.newCall(request, new EditListener() {
      @Override
      public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
        progress.show(Math.min(99, 100 * step / maxSteps)); // 100 means "learned"
      }
    });
    current = call;
    try {
      EditResult r = call.execute();
      if (!r.isSuccess()) {
        return new Outcome.NotLearned("The model did not take this fact in " + r.getSteps() + " steps.");
      }
      progress.show(100);
      return new Outcome.Learned(ask(request.getPrompt()), r.getSteps());
    } catch (MobiEditException e) {
      if (e.getReason() == MobiEditException.Reason.CANCELLED) {
        return new Outcome.Cancelled();
      }
      return new Outcome.NotLearned("Editing failed: " + e.getMessage());
    } finally {
      current = null;
    }
  }

  /** The user pressed "stop" (any thread). */
  public void cancel() {
    EditCall call = current;
    if (call != null) {
      call.cancel();
    }
  }

  /** The model's short answer to a prompt. */
  public String ask(String prompt) {
    return editor.generate(prompt, GenerationOptions.greedy(8)).getText().strip();
  }

  /** Forgets the last fact taught. */
  public void forgetLast() {
    editor.undoLast();
  }

  @Override
  public void close() {
    editor.close();
  }
}
