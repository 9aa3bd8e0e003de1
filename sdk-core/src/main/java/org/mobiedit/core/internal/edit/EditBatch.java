package org.mobiedit.core.internal.edit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * The token rows of one edit, built on token ids (never by re-tokenising decoded text): one rewrite row per context
 * template ({@code template(prompt)} followed by all but the last target token), each with the lookup position (the
 * subject's last token) and the label positions that predict the target tokens; then, in a sequence, one row per
 * earlier fact of the same subject that the edit must keep ({@link #withKeptFacts}); last the essence row
 * {@code "{subject} is a"}, whose next-token distribution the KL term keeps close to the unedited one.
 */
final class EditBatch {
  /** Rewrite rows, kept-fact rows, then the essence row (last). */
  final int[][] rows;
  /** Lookup position per row. */
  final int[] lookup;
  /** Label positions per rewrite and kept-fact row; for the essence row, its last position. */
  final int[][] labelPositions;
  /** The target token ids. */
  final int[] target;
  /** The plain prompt's ids (row 0 without the target), for the key and the early-stop check. */
  final int[] plainContext;
  /** The answers the kept-fact rows must go on giving, one per such row. */
  final int[][] keptTargets;

  private EditBatch(int[][] rows, int[] lookup, int[][] labelPositions, int[] target, int[] plainContext,
      int[][] keptTargets) {
    this.rows = rows;
    this.lookup = lookup;
    this.labelPositions = labelPositions;
    this.target = target;
    this.plainContext = plainContext;
    this.keptTargets = keptTargets;
  }

  /** The rows of the new fact, one per context template (first). */
  int rewriteRows() {
    return rows.length - 1 - keptTargets.length;
  }

  /** The rows with target labels: the rewrite rows, then the kept-fact rows. */
  int targetRows() {
    return rows.length - 1;
  }

  /** The token ids row {@code r} ({@code r < targetRows()}) must predict at its label positions. */
  int[] targetOf(int r) {
    return r < rewriteRows() ? target : keptTargets[r - rewriteRows()];
  }

  /**
   * This batch with one row per earlier fact to keep, before the essence row: each fact's own plain batch
   * ({@link #build} with the template {@code "{}"}) gives its row 0. Used for earlier edits of the same subject: their
   * key is this edit's, so the update cannot leave them unmoved, and the search keeps their answers instead (MEMIT's
   * joint edit of one subject's facts, made one at a time).
   */
  EditBatch withKeptFacts(List<EditBatch> facts) {
    if (facts.isEmpty()) {
      return this;
    }
    int base = targetRows();
    int n = base + facts.size() + 1;
    int[][] r = Arrays.copyOf(rows, n);
    int[] l = Arrays.copyOf(lookup, n);
    int[][] labels = Arrays.copyOf(labelPositions, n);
    int[][] kept = Arrays.copyOf(keptTargets, keptTargets.length + facts.size());
    for (int i = 0; i < facts.size(); i++) {
      EditBatch plain = facts.get(i);
      r[base + i] = plain.rows[0];
      l[base + i] = plain.lookup[0];
      labels[base + i] = plain.labelPositions[0];
      kept[keptTargets.length + i] = plain.target;
    }
    r[n - 1] = rows[essenceRow()];
    l[n - 1] = lookup[essenceRow()];
    labels[n - 1] = labelPositions[essenceRow()];
    return new EditBatch(r, l, labels, target, plainContext, kept);
  }

  int essenceRow() {
    return rows.length - 1;
  }

  /** The context part (no target tokens) of rewrite row {@code r}. */
  int[] context(int r) {
    return Arrays.copyOf(rows[r], rows[r].length - (target.length - 1));
  }

  /**
   * Refuses, before anything is tokenized, an edit whose prompt (in its longest template) and new object have more
   * characters than a row of {@code contextLength} tokens can hold: a token stands for at most
   * {@link Tokenizer#maxCharsPerToken()} characters, and a row holds the prompt's tokens and all but one of the
   * target's, so it has at least {@code characters / maxCharsPerToken - 1} tokens. Bounds the text an edit request
   * makes the tokenizer work on.
   *
   * @param templates the context templates ({@code "{}"} marks the prompt); their text counts too
   * @throws MobiEditException {@code CONTEXT_OVERFLOW}, naming the character count and the limit (not the text)
   */
  static void checkFits(Tokenizer tok, EditRequest request, List<String> templates, int contextLength) {
    int templateChars = 0;
    for (String template : templates) {
      templateChars = Math.max(templateChars, template.length() - 2);
    }
    long chars = (long) templateChars + request.getPrompt().length() + 1
        + Whitespace.strip(request.getNewObject()).length();
    int perToken = tok.maxCharsPerToken();
    long limit = ((long) Math.max(0, contextLength) + 1) * perToken;
    if (chars > limit) {
      throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
          "The edit prompt and its new object have " + chars + " characters (with the context template), more than"
              + " the model's context of " + contextLength + " tokens can hold with this tokenizer (at most "
              + perToken + " characters per token, so at most " + limit + " characters): shorten the prompt or"
              + " the new object.");
    }
  }

  static EditBatch build(Tokenizer tok, EditRequest request, List<String> templates, int contextLength) {
    checkFits(tok, request, templates, contextLength);
    String prompt = request.getPrompt();
    String subject = request.getSubject();
    int at = prompt.indexOf(subject);
    String head = prompt.substring(0, at + subject.length());
    String tail = prompt.substring(at + subject.length());
    int[] target = tok.encodeContinuation(" " + Whitespace.strip(request.getNewObject()));
    if (target.length == 0) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "The new object " + org.mobiedit.api.Excerpt.quoted(request.getNewObject())
              + " encodes to no tokens; give a new object with visible text.");
    }
    List<int[]> rows = new ArrayList<>();
    List<Integer> lookups = new ArrayList<>();
    List<int[]> labels = new ArrayList<>();
    int[] plain = null;
    for (String template : templates) {
      int slot = template.indexOf("{}");
      String before = template.substring(0, slot);
      String after = template.substring(slot + 2);
      int[] headIds = tok.encodeForModel(before + head);
      int[] tailIds = tok.encodeContinuation(tail + after);
      int[] context = concat(headIds, tailIds);
      int[] row = concat(context, Arrays.copyOf(target, target.length - 1));
      if (row.length > contextLength) {
        throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
            "The edit prompt with its target has " + row.length + " tokens, more than the model's context of "
                + contextLength + ": shorten the prompt.");
      }
      int[] lab = new int[target.length];
      for (int j = 0; j < target.length; j++) {
        lab[j] = context.length - 1 + j;
      }
      rows.add(row);
      lookups.add(headIds.length - 1);
      labels.add(lab);
      if (plain == null) {
        plain = context;
      }
    }
    int[] essenceHead = tok.encodeForModel(subject);
    int[] essence = concat(essenceHead, tok.encodeContinuation(" is a"));
    rows.add(essence);
    lookups.add(essenceHead.length - 1);
    labels.add(new int[] {essence.length - 1});
    return new EditBatch(rows.toArray(new int[0][]), lookups.stream().mapToInt(Integer::intValue).toArray(),
        labels.toArray(new int[0][]), target, plain, new int[0][]);
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
