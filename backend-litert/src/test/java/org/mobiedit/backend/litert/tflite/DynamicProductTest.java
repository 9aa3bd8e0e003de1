package org.mobiedit.backend.litert.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.backend.graph.Graph;
import org.mobiedit.backend.graph.TensorType;
import org.mobiedit.backend.litert.runtime.javacpp.TfliteInterpreter;
import org.mobiedit.spi.numerics.DynamicActivations;
import org.mobiedit.spi.numerics.WeightQuantizer;

/**
 * A fully connected operator fed int8 per-channel weights and float inputs is what int8-dynamic graphs rely on: the
 * runtime (XNNPACK) must round each input token to the grid of {@link DynamicActivations} and sum integers. Checked
 * against that rule computed in double precision, and against the float product, which it must not be.
 */
class DynamicProductTest {
  private static final int ROWS = 48;
  private static final int COLS = 96;
  private static final int TOKENS = 5;

  @Test
  void int8WeightsInAProductRoundEachTokenAsTheSharedRuleSays(@TempDir Path dir) throws IOException {
    Random r = new Random(3);
    float[] w = new float[ROWS * COLS];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    byte[] q = new byte[w.length];
    float[] scales = new float[ROWS];
    for (int o = 0; o < ROWS; o++) {
      scales[o] = WeightQuantizer.quantizeRow(w, o * COLS, COLS, q, o * COLS);
    }
    float[] x = new float[TOKENS * COLS];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() + (i / COLS == 2 ? 3 : 0)); // one token far from zero-centred
    }
    Graph g = new Graph();
    Graph.Tensor in = g.input("x", TensorType.FLOAT32, 1, TOKENS, COLS);
    g.output(g.fullyConnected(in, g.weightInt8("w", new int[] {ROWS, COLS}, q, scales), null));
    Path file = dir.resolve("fc.tflite");
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      TfliteWriter.write(g, "dynamic product").writeTo(c);
    }
    float[] out;
    try (TfliteInterpreter interpreter = TfliteInterpreter.open(file, 1)) {
      interpreter.setInput(0, x);
      interpreter.run();
      out = interpreter.floatOutput(0);
    }
    float[] rounded = x.clone();
    DynamicActivations.roundTokens(rounded, 0, TOKENS, COLS);
    double ruleError = 0;
    double floatError = 0;
    double largest = 0;
    for (int t = 0; t < TOKENS; t++) {
      for (int o = 0; o < ROWS; o++) {
        double byRule = 0;
        double exact = 0;
        for (int c = 0; c < COLS; c++) {
          byRule += (double) q[o * COLS + c] * rounded[t * COLS + c];
          exact += (double) q[o * COLS + c] * x[t * COLS + c];
        }
        byRule *= scales[o];
        exact *= scales[o];
        float got = out[t * ROWS + o];
        ruleError = Math.max(ruleError, Math.abs(got - byRule));
        floatError = Math.max(floatError, Math.abs(got - exact));
        largest = Math.max(largest, Math.abs(exact));
      }
    }
    assertThat(ruleError / largest).as("XNNPACK's products follow DynamicActivations").isLessThan(1e-5);
    assertThat(floatError / largest).as("the inputs really were rounded to int8").isGreaterThan(1e-4);
  }
}
