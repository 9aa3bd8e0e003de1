package org.mobiedit.backend.cpu.kernel;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.cpu.memory.DirectRows;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.Tensor;
import org.mobiedit.spi.numerics.FourBitBlocks;
import org.mobiedit.spi.numerics.HalfFloat;

/**
 * A matrix of 4-bit weights in blocks of 32 ({@link FourBitBlocks}), off heap at the file's own size (0.5625 bytes a
 * weight): a tensor stored Q4_0 or Q4_K is kept exactly, a float one is quantized to Q4_0 blocks row by row
 * ({@link #keeps4Bit} says which matrices the int4 precision stores this way). Each row
 * holds its nibbles ({@code cols / 2} bytes, 16 a block: low nibbles elements 0-15, high nibbles 16-31; Q4_K's
 * nibbles are regrouped into this order as it loads) followed by its scales ({@code cols / 16} bytes: a half per
 * Q4_0 block, or Q4_K's 16-byte header per super-block of 256).
 *
 * <p>Multiplying copies a panel of rows into the heap and expands it to floats there ({@link
 * DotProduct#unpackNibbles}, exactly ggml's dequantization), then runs the float kernel's tiles over every token of
 * the block: the results are bit-identical to a {@link FloatMatrix} of the dequantized tensor, so a Q4 file computes
 * the same numbers in int4 as in fp32, while the weights cross memory at a seventh of the bytes.
 */
public final class Int4Matrix extends PanelMatrix {
  /** How a row's scale bytes are laid out. */
  private enum Scales {
    /** One half {@code d} per block of 32: levels less 8, times {@code d}. */
    Q4_0,
    /** Per super-block of 256: half {@code d}, half {@code dmin}, 12 bytes of 6-bit scales and minima. */
    Q4_K
  }

  /**
   * Up to this many tokens, products read the nibbles directly ({@link DotProduct#panel4}); beyond, a panel is
   * expanded to floats once and shared by all its tokens. Both give the same bits.
   */
  private static final int DIRECT_MAX_TOKENS = 2;

  /**
   * Every half as a float ({@link HalfFloat#toFloat}), 256 KiB: the scales are decoded for every product, once per
   * block of 32 weights, and a table read is cheaper there than the conversion's branches and shifts.
   */
  private static final float[] HALVES = new float[1 << 16];

  static {
    for (int h = 0; h < HALVES.length; h++) {
      HALVES[h] = HalfFloat.toFloat(h);
    }
  }

  private final Scales scales;
  private final int nibbleBytes;
  private final int rowBytes;

  private Int4Matrix(int rows, int cols, DirectRows data, Scales scales, DotProduct kernel) {
    super(rows, cols, data, kernel);
    this.scales = scales;
    this.nibbleBytes = cols / 2;
    this.rowBytes = rowBytes(cols);
  }

  /** Whether a matrix with rows of {@code cols} elements can be stored in 4-bit blocks. */
  public static boolean fits(long cols) {
    return cols % FourBitBlocks.BLOCK == 0;
  }

  /**
   * Whether the int4 precision stores a matrix of {@code type} with rows of {@code cols} in 4 bits: a file's Q4_0 and
   * Q4_K tensors (kept as they are) and float tensors (quantized to Q4_0), when the rows are whole blocks of 32. A
   * tensor the file already quantized with more bits (Q8_0, Q6_K: what Q4_K_M files use for the embedding, the output
   * and some down projections, where their authors chose more precision) is stored int8 instead, like the rows that
   * are not whole blocks.
   */
  public static boolean keeps4Bit(DType type, long cols) {
    boolean fourBitOrFloat = type == DType.Q4_0 || type == DType.Q4_K || type == DType.F32 || type == DType.F16
        || type == DType.BF16;
    return fourBitOrFloat && fits(cols);
  }

  /**
   * The bytes a {@code rows × cols} matrix takes: 18 per block of 32, like Q4_0 and Q4_K.
   *
   * @throws ArithmeticException if that overflows a long
   */
  public static long bytesFor(long rows, long cols) {
    return Math.multiplyExact(rows, cols / FourBitBlocks.BLOCK * FourBitBlocks.Q4_0_BYTES);
  }

  /** The bytes of one row: its nibbles ({@code cols / 2}), then its scales ({@code cols / 16}). */
  private static int rowBytes(int cols) {
    return cols / 2 + cols / 16;
  }

  /**
   * Keeps {@code t}'s Q4_0 or Q4_K rows as stored, or quantizes its rows to Q4_0 blocks.
   *
   * @throws IllegalArgumentException if the rows are not whole blocks of 32 (see {@link #fits})
   */
  public static Int4Matrix of(Tensor t, DotProduct kernel) {
    int rows = t.rows();
    int cols = t.columns();
    if (!fits(cols)) {
      throw new IllegalArgumentException("4-bit rows are whole blocks of 32; " + t.name() + " has " + cols);
    }
    DType type = t.dtype();
    Scales scales = type == DType.Q4_K ? Scales.Q4_K : Scales.Q4_0;
    boolean asStored = type == DType.Q4_0 || type == DType.Q4_K;
    DirectRows data = DirectRows.bytes(rows, rowBytes(cols));
    byte[] stored = new byte[asStored ? Math.toIntExact(type.bytesFor(cols)) : 0];
    byte[] row = new byte[rowBytes(cols)];
    float[] values = new float[asStored ? 0 : cols];
    byte[] block = new byte[FourBitBlocks.Q4_0_BYTES];
    for (int r = 0; r < rows; r++) {
      if (type == DType.Q4_0) {
        readStored(t, r, stored);
        for (int b = 0; b < cols / FourBitBlocks.BLOCK; b++) {
          putQ40Block(stored, b * FourBitBlocks.Q4_0_BYTES, b, row, cols);
        }
      } else if (type == DType.Q4_K) {
        readStored(t, r, stored);
        fromQ4K(stored, cols, row);
      } else {
        t.read((long) r * cols, values, 0, cols);
        for (int b = 0; b < cols / FourBitBlocks.BLOCK; b++) {
          FourBitBlocks.quantizeQ40(values, b * FourBitBlocks.BLOCK, block, 0);
          putQ40Block(block, 0, b, row, cols);
        }
      }
      data.putBytes(r, row, 0);
    }
    return new Int4Matrix(rows, cols, data, scales, kernel);
  }

  /** Row {@code r}'s stored bytes; a source that cannot give them is refused with what to do instead. */
  private static void readStored(Tensor t, int r, byte[] stored) {
    try {
      t.readStoredRow(r, stored, 0);
    } catch (UnsupportedOperationException e) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION,
          "Tensor " + t.name() + " is stored " + t.dtype() + " but its source does not give the stored bytes that"
              + " int4 keeps (" + e.getMessage() + "): load the model in int8 or fp32.", e);
    }
  }

  /** Puts the Q4_0 block at {@code src[at ..]} as block {@code b} of a row of {@code cols}: nibbles, then its half. */
  private static void putQ40Block(byte[] src, int at, int b, byte[] row, int cols) {
    System.arraycopy(src, at + 2, row, b * 16, 16);
    row[cols / 2 + 2 * b] = src[at];
    row[cols / 2 + 2 * b + 1] = src[at + 1];
  }

  /**
   * Regroups a row of Q4_K super-blocks: each 64 elements are 32 bytes whose low nibbles are elements 0-31 and high
   * nibbles 32-63; in this matrix's order, block {@code 2g} takes the low nibbles and block {@code 2g + 1} the high.
   */
  private static void fromQ4K(byte[] stored, int cols, byte[] row) {
    int supers = cols / 256;
    for (int s = 0; s < supers; s++) {
      int in = s * 144;
      System.arraycopy(stored, in, row, cols / 2 + 16 * s, 16);
      for (int g = 0; g < 4; g++) {
        int qs = in + 16 + 32 * g;
        int low = (s * 8 + 2 * g) * 16;
        int high = low + 16;
        for (int i = 0; i < 16; i++) {
          int a = stored[qs + i] & 0xff;
          int c = stored[qs + 16 + i] & 0xff;
          row[low + i] = (byte) ((a & 15) | (c & 15) << 4);
          row[high + i] = (byte) ((a >>> 4) | (c >>> 4) << 4);
        }
      }
    }
  }

  /**
   * A panel: the stored rows, their blocks' scales and offsets, and the rows as floats, made only when a block of
   * tokens is expanded (decoding and embedding lookups never need them).
   */
  private static final class Panel {
    final byte[] stored;
    final float[] scale;
    final float[] offset;
    private final int weightCount;
    private float @Nullable [] weights;

    Panel(int rows, int cols, int rowBytes) {
      weightCount = rows * cols;
      stored = new byte[rows * rowBytes];
      scale = new float[rows * cols / FourBitBlocks.BLOCK];
      offset = new float[scale.length];
      Arrays.fill(offset, -0f); // Q4_0's offset; Q4_K's are decoded with its scales
    }

    /** The panel's weights as floats, made on first use. */
    float[] weights() {
      float[] w = weights;
      if (w == null) {
        w = new float[weightCount];
        weights = w;
      }
      return w;
    }
  }

  /**
   * Four times the float and int8 block: expanding a panel costs more than copying one, so it is shared by more
   * tokens (at the Qwen2.5-0.5B shape, one thread: prefill 99 → 114 tok/s, an edit step 3.49 → 3.04 s; 3 MiB was no
   * better).
   */
  @Override
  int tokenBlockBytes() {
    return 768 * 1024;
  }

  @Override
  Object newPanel() {
    return new Panel(PANEL_ROWS, cols, rowBytes);
  }

  @Override
  void load(int r, int count, int tokens, Object panel) {
    Panel p = (Panel) panel;
    data.copyBytes(r, count, p.stored);
    int blocks = cols / FourBitBlocks.BLOCK;
    for (int j = 0; j < count; j++) {
      decodeScales(p.stored, j * rowBytes, p, j * blocks);
      if (tokens > DIRECT_MAX_TOKENS) {
        kernel.unpackNibbles(p.stored, j * rowBytes, zero(), p.scale, p.offset, j * blocks, blocks,
            p.weights(), j * cols);
      }
    }
  }

  private int zero() {
    return scales == Scales.Q4_0 ? 8 : 0;
  }

  /** Decodes the scales and offsets of the row at {@code stored[at ..]} into {@code p}'s, from {@code so}. */
  private void decodeScales(byte[] stored, int at, Panel p, int so) {
    int blocks = cols / FourBitBlocks.BLOCK;
    float[] scale = p.scale;
    float[] offset = p.offset;
    int s = at + nibbleBytes;
    if (scales == Scales.Q4_0) {
      for (int b = 0; b < blocks; b++) {
        scale[so + b] = HALVES[(stored[s + 2 * b] & 0xff) | (stored[s + 2 * b + 1] & 0xff) << 8];
      }
    } else {
      for (int sb = 0; sb < blocks / 8; sb++) {
        int h = s + 16 * sb;
        float d = HALVES[(stored[h] & 0xff) | (stored[h + 1] & 0xff) << 8];
        float dmin = HALVES[(stored[h + 2] & 0xff) | (stored[h + 3] & 0xff) << 8];
        int o = so + 8 * sb;
        // Blocks 0-3 keep their 6 bits whole; blocks 4-7 take 4 low bits and borrow 2 high bits from 0-3's bytes.
        for (int j = 0; j < 4; j++) {
          scale[o + j] = d * (stored[h + 4 + j] & 63);
          offset[o + j] = -(dmin * (stored[h + 8 + j] & 63));
        }
        for (int j = 4; j < 8; j++) {
          int low = stored[h + 8 + j] & 0xff;
          scale[o + j] = d * ((low & 15) | ((stored[h + j] & 0xff) >>> 6) << 4);
          offset[o + j] = -(dmin * ((low >>> 4) | ((stored[h + 4 + j] & 0xff) >>> 6) << 4));
        }
      }
    }
  }

  @Override
  void multiplyPanel(Object panel, int r, int count, float[] x, int xo, int n, float[] y, int yo, int ldy) {
    Panel p = (Panel) panel;
    if (n > DIRECT_MAX_TOKENS) {
      kernel.panel(p.weights(), count, cols, x, xo, n, y, yo, ldy);
    } else {
      kernel.panel4(p.stored, rowBytes, zero(), p.scale, p.offset, count, cols, x, xo, n, y, yo, ldy);
    }
  }

  @Override
  public void row(int r, float[] dst, int offset) {
    Panel p = new Panel(1, cols, rowBytes);
    data.copyBytes(r, 1, p.stored);
    decodeScales(p.stored, 0, p, 0);
    kernel.unpackNibbles(p.stored, 0, zero(), p.scale, p.offset, 0, cols / FourBitBlocks.BLOCK, dst, offset);
  }
}
