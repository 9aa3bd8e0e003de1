package org.mobiedit.backend.cpu.kernel;

import org.mobiedit.backend.cpu.memory.DirectRows;
import org.mobiedit.spi.Tensor;
import org.mobiedit.spi.numerics.WeightQuantizer;

/**
 * An int8 matrix with one float scale per row (per output channel), symmetric: {@code w[r][c] ≈ scale[r] * q[r][c]}
 * as {@link WeightQuantizer} defines it for every backend. Quantised row by row from the tensor, so a float copy of
 * the whole matrix never exists; the int8 rows live off heap, the scales (4 bytes a row) on it.
 */
public final class Int8Matrix extends PanelMatrix {
  private final float[] scale;

  private Int8Matrix(int rows, int cols, DirectRows data, float[] scale, DotProduct kernel) {
    super(rows, cols, data, kernel);
    this.scale = scale;
  }

  /** Quantizes {@code t} row by row. */
  public static Int8Matrix of(Tensor t, DotProduct kernel) {
    int rows = t.rows();
    int cols = t.columns();
    DirectRows data = DirectRows.bytes(rows, cols);
    float[] scale = new float[rows];
    float[] row = new float[cols];
    byte[] q = new byte[cols];
    for (int r = 0; r < rows; r++) {
      t.read((long) r * cols, row, 0, cols);
      scale[r] = WeightQuantizer.quantizeRow(row, 0, cols, q, 0);
      data.putBytes(r, q, 0);
    }
    return new Int8Matrix(rows, cols, data, scale, kernel);
  }

  @Override
  Object newPanel() {
    return new byte[PANEL_ROWS * cols];
  }

  @Override
  void load(int r, int count, int tokens, Object panel) {
    data.copyBytes(r, count, (byte[]) panel);
  }

  @Override
  void multiplyPanel(Object panel, int r, int count, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    kernel.panel((byte[]) panel, count, cols, x, xo, n, y, yo, ldy);
    for (int t = 0; t < n; t++) {
      int o = yo + t * ldy;
      for (int j = 0; j < count; j++) {
        y[o + j] = scale[r + j] * y[o + j];
      }
    }
  }

  @Override
  public void row(int r, float[] dst, int offset) {
    byte[] q = new byte[cols];
    data.copyBytes(r, 1, q);
    float s = scale[r];
    for (int c = 0; c < cols; c++) {
      dst[offset + c] = s * q[c];
    }
  }

  @Override
  public long bytes() {
    return super.bytes() + 4L * scale.length;
  }
}
