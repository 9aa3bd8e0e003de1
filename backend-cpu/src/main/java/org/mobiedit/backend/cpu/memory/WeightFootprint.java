package org.mobiedit.backend.cpu.memory;

import java.util.function.Function;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.kernel.Int4Matrix;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;

/**
 * The memory the CPU backend's copy of a model's weights takes (matrices in direct buffers, off the Java heap),
 * computed from the spec (and, for int4, the tensors' stored types) before anything is allocated. It follows how
 * {@link org.mobiedit.backend.cpu.model.Transformer#load} stores them: in fp32 every weight is a float, which is
 * {@code 4 * }{@link ModelSpec#parameterCount()} (the parameter count {@code mobiedit inspect} prints); with int8
 * weights every matrix is a byte per weight plus a float scale per row, while norms and biases stay float; in int4 a
 * matrix kept 4-bit ({@link Int4Matrix#keeps4Bit}) takes 18 bytes a block, the others are int8. A tied LM head shares
 * the embedding. This is what the loaded model's {@code memory()} reports.
 */
public final class WeightFootprint {
  private WeightFootprint() {}

  /**
   * Bytes of weights for {@code spec} in {@code precision}, its tensors stored as floats; {@link Long#MAX_VALUE} if
   * that overflows.
   */
  public static long bytes(ModelSpec spec, Precision precision) {
    return bytes(spec, precision, name -> DType.F32);
  }

  /**
   * Bytes of weights for {@code spec} in {@code precision}, each tensor stored in the file as {@code storedAs} says
   * (which decides, in int4, whether a matrix stays 4-bit); {@link Long#MAX_VALUE} if that overflows.
   */
  public static long bytes(ModelSpec spec, Precision precision, Function<String, DType> storedAs) {
    try {
      long total = 0;
      for (String name : spec.requiredTensors()) {
        long[] shape = spec.expectedShape(name);
        long elements = 1;
        for (long d : shape) {
          elements = Math.multiplyExact(elements, d);
        }
        boolean matrix = shape.length == 2;
        long bytes;
        if (matrix && precision == Precision.INT4 && Int4Matrix.keeps4Bit(storedAs.apply(name), shape[1])) {
          bytes = Int4Matrix.bytesFor(shape[0], shape[1]);
        } else if (matrix && precision.quantizesWeights()) {
          bytes = Math.addExact(elements, Math.multiplyExact(4L, shape[0]));
        } else {
          bytes = Math.multiplyExact(4L, elements);
        }
        total = Math.addExact(total, bytes);
      }
      return total;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
