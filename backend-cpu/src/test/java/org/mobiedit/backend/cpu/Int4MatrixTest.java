package org.mobiedit.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.cpu.kernel.DotProduct;
import org.mobiedit.backend.cpu.kernel.DotProducts;
import org.mobiedit.backend.cpu.kernel.FloatMatrix;
import org.mobiedit.backend.cpu.kernel.Int4Matrix;
import org.mobiedit.core.internal.format.MappedFile;
import org.mobiedit.core.internal.format.MappedTensor;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.internal.format.gguf.GgufTensorInfo;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.Tensor;
import org.mobiedit.spi.numerics.FourBitBlocks;
import org.mobiedit.spi.numerics.HalfFloat;
import org.mobiedit.tools.writer.GgufWriter;
import org.mobiedit.tools.writer.TensorValues;

/**
 * 4-bit matrices against the reference: a tensor stored Q4_0 or Q4_K, kept 4-bit, gives bit for bit the products of a
 * float matrix read from the same tensor through the format reader's dequantization (for both kernels, any token
 * count, any row range), and a float tensor is quantized to exactly the Q4_0 blocks of the shared rule.
 */
class Int4MatrixTest {
  @TempDir Path dir;

  private static final DotProduct[] KERNELS = {DotProducts.select("scalar"), DotProducts.select("vector")};

  /** The tensors of a GGUF file, read in place as the SDK reads a model's. */
  private record Tensors(MappedFile file, Map<String, Tensor> byName) implements AutoCloseable {
    Tensor tensor(String name) {
      return byName.get(name);
    }

    @Override
    public void close() {
      file.close();
    }
  }

  /** A GGUF file with one {@code rows × cols} matrix per type, of the same seeded values. */
  private Tensors write(int rows, int cols, DType... types) {
    SplittableRandom random = new SplittableRandom(rows * 31L + cols);
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      // blocks of very different ranges and signs, as trained weights have
      w[i] = (float) (random.nextGaussian() * (1 + (i / 32) % 5) + ((i / 32) % 3 == 0 ? 0.7 : 0));
    }
    GgufWriter writer = new GgufWriter().put("general.architecture", "test");
    for (DType type : types) {
      writer.add("w." + type.name().toLowerCase(java.util.Locale.ROOT), type, new long[] {rows, cols},
          TensorValues.of(w));
    }
    Path file = dir.resolve(rows + "x" + cols + ".gguf");
    writer.write(file);
    MappedFile mapped = MappedFile.open(file);
    Map<String, Tensor> tensors = new HashMap<>();
    GgufFile gguf = GgufFile.open(file);
    for (GgufTensorInfo t : gguf.tensors()) {
      tensors.put(t.name(), new MappedTensor(t.name(), t.type(), t.shape(), mapped, gguf.dataOffset() + t.offset()));
    }
    return new Tensors(mapped, tensors);
  }

  @Test
  void q40AndQ4kTensorsKept4BitMultiplyBitForBitAsTheirDequantizedFloats() {
    SplittableRandom random = new SplittableRandom(3);
    // 512 columns: two Q4_K super-blocks; 13 rows: two whole panels and a partial one.
    try (Tensors files = write(13, 512, DType.Q4_0, DType.Q4_K)) {
      for (DotProduct kernel : KERNELS) {
        for (Tensor t : new Tensor[] {files.tensor("w.q4_0"), files.tensor("w.q4_k")}) {
          Int4Matrix q = Int4Matrix.of(t, kernel);
          FloatMatrix f = FloatMatrix.of(t, kernel);
          assertEquals(Int4Matrix.bytesFor(13, 512), q.bytes());
          assertEquals(t.storageBytes(), q.bytes(), "4-bit rows take the file's own bytes");
          float[] expectedRow = new float[512];
          float[] row = new float[512];
          for (int r = 0; r < 13; r++) {
            t.readRow(r, expectedRow);
            q.row(r, row, 0);
            assertArrayEquals(expectedRow, row, t.name() + " row " + r);
          }
          for (int n : new int[] {1, 2, 3, 4, 9, 70, 400}) { // 400: two token blocks of 512 columns
            float[] x = new float[n * 512];
            for (int i = 0; i < x.length; i++) {
              x[i] = (float) random.nextGaussian();
            }
            float[] expected = new float[n * 14];
            float[] actual = new float[n * 14];
            f.multiply(x, n, expected, 14, 0, 13);
            q.multiply(x, n, actual, 14, 0, 5);
            q.multiply(x, n, actual, 14, 5, 13);
            assertArrayEquals(expected, actual, kernel.name() + " " + t.name() + " n " + n);
          }
        }
      }
    }
  }

  @Test
  void aFloatTensorIsQuantizedToTheSharedQ40Blocks() {
    try (Tensors files = write(7, 96, DType.F32, DType.Q4_0)) {
      Tensor f32 = files.tensor("w.f32");
      Tensor q40 = files.tensor("w.q4_0");
      for (DotProduct kernel : KERNELS) {
        Int4Matrix quantized = Int4Matrix.of(f32, kernel);
        float[] expected = new float[96];
        float[] row = new float[96];
        for (int r = 0; r < 7; r++) {
          q40.readRow(r, expected);
          quantized.row(r, row, 0);
          assertArrayEquals(expected, row, kernel.name() + " row " + r);
        }
      }
    }
  }

  @Test
  void theSharedQ40RuleMapsTheLargestMagnitudeToLevelZeroAndZerosToZero() {
    float[] w = new float[32];
    w[3] = -2f;
    w[20] = 1f;
    w[21] = Float.NaN;
    byte[] block = new byte[FourBitBlocks.Q4_0_BYTES];
    FourBitBlocks.quantizeQ40(w, 0, block, 0);
    float d = HalfFloat.toFloat((block[0] & 0xff) | (block[1] & 0xff) << 8);
    assertEquals(0.25f, d);
    assertEquals(0, block[2 + 3] & 15, "-2 = -8 d");
    assertEquals(8 + 4, (block[2 + 4] & 0xff) >>> 4, "element 20: 1 = 4 d");
    assertEquals(8, (block[2 + 5] & 0xff) >>> 4, "NaN gets level 8, the value 0");
    assertEquals(8, block[2] & 15);
    FourBitBlocks.quantizeQ40(new float[32], 0, block, 0);
    assertThat(HalfFloat.toFloat((block[0] & 0xff) | (block[1] & 0xff) << 8)).isZero();
    for (int i = 2; i < block.length; i++) {
      assertEquals((byte) 0x88, block[i]);
    }
  }

  @Test
  void aQ4SourceThatCannotGiveItsStoredBytesIsRefusedWithWhatToDo() {
    Tensor q4 = new Tensor() { // stored Q4_0, readable only as floats (the SPI's default for stored bytes)
      @Override
      public String name() {
        return "blk.0.ffn_down.weight";
      }

      @Override
      public DType dtype() {
        return DType.Q4_0;
      }

      @Override
      public long[] shape() {
        return new long[] {2, 32};
      }

      @Override
      public void read(long start, float[] dst, int dstOffset, int count) {
        java.util.Arrays.fill(dst, dstOffset, dstOffset + count, 0f);
      }
    };
    assertThatThrownBy(() -> Int4Matrix.of(q4, KERNELS[0])).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("blk.0.ffn_down.weight").hasMessageContaining("int8 or fp32")
        .extracting(e -> ((MobiEditException) e).getReason())
        .isEqualTo(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION);
  }
}
