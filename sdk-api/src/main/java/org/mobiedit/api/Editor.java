package org.mobiedit.api;

import java.nio.file.Path;
import java.util.List;

/**
 * Changes what a loaded language model believes by rewriting one MLP matrix with a rank-one update found by
 * forward passes only (the MobiEdit method).
 *
 * <p>An editor owns one model on one backend. Edits apply in order and persist for the editor's lifetime.
 *
 * <p>Threading: an editor runs one operation at a time; concurrent calls are serialised. {@link #close()} is
 * idempotent and releases the model and backend resources: it cancels a running edit at its next step (nothing of
 * it is applied), waits for the running operation to end, then releases the model. Every operation after
 * {@code close()} fails with {@link MobiEditException.Reason#INVALID_REQUEST} ("the editor is closed").
 *
 * <p>Failures: an edit that fails for any reason (a cancellation, a backend failure, an exception thrown by its
 * {@link EditListener}, which reaches the caller as itself) leaves the model computing bit for bit as before and
 * {@link #getAppliedEdits()} unchanged. The model changes only when an edit is recorded as applied.
 *
 * <p>Testing code that uses an editor: this is an interface, as is {@link EditCall}, and {@link EditListener} is an
 * abstract class of overridable no-op hooks, so Mockito and hand-written doubles can stand in for all three; the
 * {@code sdk-testing} artifact offers a scripted fake backend that the SDK selects automatically when it is on the
 * test class path.
 *
 * <pre>{@code
 * EditResult r = editor.edit("The Eiffel Tower", "is located in", "Rome");
 * if (r.isSuccess()) { ... }
 * }</pre>
 */
public interface Editor extends AutoCloseable {

  /**
   * Writes "{@code subject relation} → {@code newObject}" into the model.
   *
   * @param relation a template with {@code {}} for the subject, or a phrase that follows the subject
   * @throws MobiEditException {@code INVALID_REQUEST} for blank parts or a prompt that does not contain the subject
   */
  default EditResult edit(String subject, String relation, String newObject) {
    return edit(EditRequest.of(subject, relation, newObject));
  }

  /** Writes one edit request into the model with this editor's options. */
  default EditResult edit(EditRequest request) {
    return newCall(request, EditListener.NONE).execute();
  }

  /** A cancellable edit that reports its progress to {@code listener}. */
  EditCall newCall(EditRequest request, EditListener listener);

  /** Continues a prompt with the (possibly edited) model. */
  Generation generate(String prompt, GenerationOptions options);

  /**
   * Continues a prompt and streams the text to {@code listener} as each token is produced; the listener stops the
   * generation by returning false (from a cancelled UI request, say). The default, for editors that cannot stream,
   * generates first and then delivers the whole text as one piece.
   */
  default Generation generate(String prompt, GenerationOptions options, TextListener listener) {
    Generation g = generate(prompt, options);
    listener.onText(g.getText());
    return g;
  }

  /**
   * Removes the most recent edit exactly: the model computes as it did before that edit.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} when no edit is applied
   */
  void undoLast();

  /**
   * Removes the applied edit with this name exactly; the others stay.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} when no applied edit has this name (the message lists them)
   */
  void undo(String name);

  /** Names of the edits applied and not undone, oldest first ({@code edit-1}, {@code edit-2}, …). */
  List<String> getAppliedEdits();

  /**
   * Saves every applied edit, oldest first, to a small patch file bound to this model. The write is atomic: a crash
   * leaves the previous file intact.
   *
   * @throws MobiEditException {@code EDIT_STORE} or {@code IO} when the file cannot be written
   */
  void save(Path file);

  /**
   * Applies the edits of a patch file written by {@link #save}, in order, whole or not at all. Every edit is checked
   * against the model (layer, vector lengths, finite values, a magnitude that keeps the activations finite) before
   * any is applied; if applying one still fails, those applied before it are reverted. A patch made for another
   * model, one that is damaged, or one whose edits are already applied is refused and nothing is applied.
   *
   * @throws MobiEditException {@code EDIT_STORE} naming the file for a damaged, foreign or unfit patch, {@code IO} for
   *     a file that cannot be read
   */
  void load(Path file);

  @Override
  void close();
}
