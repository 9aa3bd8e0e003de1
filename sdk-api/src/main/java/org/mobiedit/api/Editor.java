package org.mobiedit.api;

/**
 * Changes what a loaded language model believes by rewriting one MLP matrix with a rank-one update found by
 * forward passes only (the MobiEdit method).
 *
 * <p>An editor owns one model on one backend. Edits apply in order and persist for the editor's lifetime.
 *
 * <p>Threading: an editor runs one operation at a time; concurrent calls are serialised. {@link #close()} is
 * idempotent and releases the model and backend resources.
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

  @Override
  void close();
}
