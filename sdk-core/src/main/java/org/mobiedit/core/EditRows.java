package org.mobiedit.core;

/**
 * The token rows one edit step runs its forward passes on, exactly as the edit engine builds them
 * ({@link Model#editRows}): one rewrite row per context template (the template around the prompt, then all but the
 * last target token), and last the essence row {@code "{subject} is a"} whose next-token distribution the KL term
 * keeps. For benchmarks and baselines that must run the same rows (a backpropagation step on the same tokens); an
 * edit builds its own rows and needs none of this.
 *
 * @param rows token ids of every row: rewrite rows, then the essence row
 * @param lookupPositions per row, the position of the subject's last token (where the edit reads the key and adds its
 *     correction)
 * @param labelPositions per rewrite row, the positions whose next-token prediction is scored against
 *     {@code targetIds} (one per target token); for the essence row, its last position
 * @param targetIds the new object's token ids, as they follow the prompt
 */
public record EditRows(int[][] rows, int[] lookupPositions, int[][] labelPositions, int[] targetIds) {

  /** The number of tokens over all rows. */
  public int tokenCount() {
    int n = 0;
    for (int[] r : rows) {
      n += r.length;
    }
    return n;
  }
}
