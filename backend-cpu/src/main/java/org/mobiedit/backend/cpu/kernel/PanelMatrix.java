package org.mobiedit.backend.cpu.kernel;

import org.mobiedit.backend.cpu.memory.DirectRows;

/**
 * A matrix whose rows live outside the Java heap ({@link DirectRows}), multiplied panel by panel: a few rows are
 * copied into a heap array that stays in the core's cache, and every token of a block is multiplied with them there
 * by the kernel's tiles. Tokens are taken in blocks small enough that their activations stay in cache too, so a long
 * chunk (an edit step's hundreds of rows) copies each panel once per block, not once per token.
 */
abstract class PanelMatrix implements Matrix {
  /** Rows per panel: a multiple of both kernels' tile heights (3 and 2). */
  static final int PANEL_ROWS = 6;
  /** Activation bytes of a token block that should stay in a core's cache alongside the panel. */
  private static final int TOKEN_BLOCK_BYTES = 192 * 1024;

  final int rows;
  final int cols;
  final DirectRows data;
  final DotProduct kernel;

  PanelMatrix(int rows, int cols, DirectRows data, DotProduct kernel) {
    this.rows = rows;
    this.cols = cols;
    this.data = data;
    this.kernel = kernel;
  }

  @Override
  public final int rows() {
    return rows;
  }

  @Override
  public final int cols() {
    return cols;
  }

  @Override
  public final void multiply(float[] x, int n, float[] y, int ldy, int rowFrom, int rowTo) {
    int block = Math.max(4, tokenBlockBytes() / Math.max(1, 4 * cols) / 4 * 4);
    Object panel = newPanel();
    for (int t = 0; t < n; t += block) {
      int tokens = Math.min(block, n - t);
      for (int r = rowFrom; r < rowTo; r += PANEL_ROWS) {
        int count = Math.min(PANEL_ROWS, rowTo - r);
        load(r, count, tokens, panel);
        multiplyPanel(panel, r, count, x, t * cols, tokens, y, t * ldy + r, ldy);
      }
    }
  }

  /** Activation bytes of a token block (see {@link #TOKEN_BLOCK_BYTES}). */
  int tokenBlockBytes() {
    return TOKEN_BLOCK_BYTES;
  }

  /** A heap array for {@link #PANEL_ROWS} rows. */
  abstract Object newPanel();

  /** Copies rows {@code [r, r + count)} into {@code panel}, for a block of {@code tokens} tokens. */
  abstract void load(int r, int count, int tokens, Object panel);

  /** The kernel's panel product for rows {@code [r, r + count)} held in {@code panel}, scaled as stored. */
  abstract void multiplyPanel(Object panel, int r, int count, float[] x, int xo, int n, float[] y, int yo, int ldy);

  @Override
  public long bytes() {
    return data.bytes();
  }
}
