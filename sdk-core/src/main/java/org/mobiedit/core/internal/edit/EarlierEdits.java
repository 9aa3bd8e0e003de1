package org.mobiedit.core.internal.edit;

import java.util.Arrays;
import java.util.List;
import org.mobiedit.core.internal.store.StoredEdit;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;

/**
 * The edits an editor holds, as a new edit sees them: each one's plain prompt up to its subject, whose key the new
 * update leaves unmoved ({@link KeyProtection}). The keys are read from the model as it is when the new edit runs, at
 * whatever layer the new edit writes, and not taken from what was stored when each edit was made: an edit at one layer
 * moves the subject keys of the others at the layers above it, and an earlier edit's subject is just as exposed to a
 * write at a layer other than its own (the value at its subject's position feeds every layer after it).
 */
final class EarlierEdits {
  static final EarlierEdits NONE = new EarlierEdits(new int[0][], new int[0]);

  /** Each earlier edit's plain prompt up to the end of its subject, and the subject's last position in it. */
  private final int[][] prompts;
  private final int[] subjectEnds;

  private EarlierEdits(int[][] prompts, int[] subjectEnds) {
    this.prompts = prompts;
    this.subjectEnds = subjectEnds;
  }

  /** The prompts of {@code edits}, tokenized as their own edits were ({@link EditBatch}, template {@code "{}"}). */
  static EarlierEdits of(Tokenizer tokenizer, List<StoredEdit> edits, int contextLength) {
    int[][] prompts = new int[edits.size()][];
    int[] ends = new int[edits.size()];
    for (int i = 0; i < prompts.length; i++) {
      EditBatch plain = EditBatch.build(tokenizer, edits.get(i).request(), List.of("{}"), contextLength);
      ends[i] = plain.lookup[0];
      prompts[i] = Arrays.copyOf(plain.rows[0], ends[i] + 1);
    }
    return new EarlierEdits(prompts, ends);
  }

  boolean isEmpty() {
    return prompts.length == 0;
  }

  int size() {
    return prompts.length;
  }

  /** Every earlier edit's subject key at {@code layer}, on the model as it is now (one batched capture). */
  float[][] keysAt(BackendModel model, int layer) {
    if (isEmpty()) {
      return new float[0][];
    }
    return model.captureMlp(prompts, layer, subjectEnds).keys();
  }
}
