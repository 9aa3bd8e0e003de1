package org.mobiedit.backend.cpu.kernel;

import org.mobiedit.backend.cpu.memory.DirectRows;
import org.mobiedit.spi.Tensor;

/** A float32 matrix, row-major, read once from the model's tensor (dequantised from its storage type), off heap. */
public final class FloatMatrix extends PanelMatrix {
  private FloatMatrix(int rows, int cols, DirectRows data, DotProduct kernel) {
    super(rows, cols, data, kernel);
  }

  /** Reads {@code t} row by row, as floats. */
  public static FloatMatrix of(Tensor t, DotProduct kernel) {
    int rows = t.rows();
    int cols = t.columns();
    DirectRows data = DirectRows.floats(rows, cols);
    float[] row = new float[cols];
    for (int r = 0; r < rows; r++) {
      t.read((long) r * cols, row, 0, cols);
      data.putFloats(r, row, 0);
    }
    return new FloatMatrix(rows, cols, data, kernel);
  }

  @Override
  Object newPanel() {
    return new float[PANEL_ROWS * cols];
  }

  @Override
  void load(int r, int count, int tokens, Object panel) {
    data.copyFloats(r, count, (float[]) panel);
  }

  @Override
  void multiplyPanel(Object panel, int r, int count, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    kernel.panel((float[]) panel, count, cols, x, xo, n, y, yo, ldy);
  }

  @Override
  public void row(int r, float[] dst, int offset) {
    float[] one = new float[cols];
    data.copyFloats(r, 1, one);
    System.arraycopy(one, 0, dst, offset, cols);
  }
}
