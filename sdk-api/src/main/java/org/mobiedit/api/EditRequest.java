package org.mobiedit.api;

import java.util.Objects;

/**
 * One fact to write into the model: "{@code prompt} → {@code newObject}", where {@code prompt} mentions
 * {@code subject}. Immutable.
 *
 * <p>The prompt can be given directly ({@code "Lionel Messi plays for"}) or as a relation template with {@code {}}
 * where the subject goes ({@code "{} plays for"}); {@link #of(String, String, String)} also accepts a bare relation
 * phrase ({@code "plays for"}), which is appended after the subject.
 *
 * <pre>{@code
 * EditRequest r = EditRequest.of("The Eiffel Tower", "is located in", "Rome");
 * r.getPrompt();   // "The Eiffel Tower is located in"
 * }</pre>
 */
public final class EditRequest {
  /**
   * The longest subject, relation, prompt or new object accepted, in characters (2^20). Real edit prompts are a
   * sentence; the bound keeps a hostile request from costing unbounded time or memory before the model's context
   * check (which is tighter) can run.
   */
  public static final int MAX_TEXT_CHARS = 1 << 20;

  /** How many characters of a caller's text an error message repeats. */
  private static final int SHOWN_CHARS = 80;

  private final String subject;
  private final String prompt;
  private final String newObject;

  private EditRequest(String subject, String prompt, String newObject) {
    this.subject = subject;
    this.prompt = prompt;
    this.newObject = newObject;
  }

  /**
   * Builds a request from a subject, a relation (a template containing {@code {}} or a phrase to append after the
   * subject) and the new object.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} if any part is blank, or the subject does not occur in a
   *     template's expansion
   */
  public static EditRequest of(String subject, String relation, String newObject) {
    requireText("subject", subject);
    requireText("relation", relation);
    String prompt;
    if (relation.contains("{}")) {
      long slots = (relation.length() - relation.replace("{}", "").length()) / 2;
      long expanded = relation.length() + slots * (subject.length() - 2L);
      if (expanded > MAX_TEXT_CHARS) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
            "The relation template puts the subject in " + slots + " places, making a prompt of " + expanded
                + " characters; at most " + MAX_TEXT_CHARS + " are accepted. Write the subject once, as \"{} is\".");
      }
      prompt = relation.replace("{}", subject);
    } else if (relation.contains(subject)) {
      prompt = relation;
    } else {
      prompt = subject + " " + strip(relation);
    }
    return ofPrompt(subject, prompt, newObject);
  }

  /**
   * Builds a request from a full prompt that contains the subject.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} if any part is blank or the prompt does not contain the subject
   */
  public static EditRequest ofPrompt(String subject, String prompt, String newObject) {
    requireText("subject", subject);
    requireText("prompt", prompt);
    requireText("new object", newObject);
    if (!prompt.contains(subject)) {
      throw new MobiEditException(
          MobiEditException.Reason.INVALID_REQUEST,
          "The prompt " + shown(prompt) + " does not contain the subject " + shown(subject)
              + ": the edit is located at the subject's last token, so write the subject into the prompt exactly"
              + " (same spelling and case).");
    }
    return new EditRequest(subject, prompt, newObject);
  }

  /** {@code s} without leading and trailing white space ({@link Character#isWhitespace}), as Java 11's strip. */
  private static String strip(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && Character.isWhitespace(s.codePointAt(from))) {
      from += Character.charCount(s.codePointAt(from));
    }
    while (to > from && Character.isWhitespace(s.codePointBefore(to))) {
      to -= Character.charCount(s.codePointBefore(to));
    }
    return s.substring(from, to);
  }

  private static void requireText(String what, String value) {
    if (value == null || strip(value).isEmpty()) {
      throw new MobiEditException(
          MobiEditException.Reason.INVALID_REQUEST, "The edit's " + what + " is empty: give a non-blank " + what + ".");
    }
    if (value.length() > MAX_TEXT_CHARS) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "The edit's " + what + " has " + value.length() + " characters; at most " + MAX_TEXT_CHARS
              + " are accepted. An edit states one fact in a sentence.");
    }
  }

  /** A caller's text quoted for a message: at most {@value #SHOWN_CHARS} characters, line breaks escaped. */
  private static String shown(String text) {
    String cut = text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "…";
    return "\"" + cut.replace("\n", "\\n").replace("\r", "\\r") + "\""
        + (text.length() > SHOWN_CHARS ? " (" + text.length() + " characters)" : "");
  }

  /** The entity whose fact changes, exactly as it occurs in the prompt. */
  public String getSubject() {
    return subject;
  }

  /** The prompt that should now be completed with the new object; contains the subject. */
  public String getPrompt() {
    return prompt;
  }

  /** The new completion, e.g. "Rome". */
  public String getNewObject() {
    return newObject;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EditRequest)) {
      return false;
    }
    EditRequest r = (EditRequest) o;
    return subject.equals(r.subject) && prompt.equals(r.prompt) && newObject.equals(r.newObject);
  }

  @Override
  public int hashCode() {
    return Objects.hash(subject, prompt, newObject);
  }

  @Override
  public String toString() {
    return "EditRequest{\"" + prompt + "\" -> \"" + newObject + "\", subject=\"" + subject + "\"}";
  }
}
