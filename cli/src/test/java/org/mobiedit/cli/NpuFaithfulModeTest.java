package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.backend.litert.LitertBackendProvider;
import org.mobiedit.backend.qnn.QnnBackendProvider;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.core.internal.model.TokenizerLocator;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.world.WorldModel;

/**
 * The graph backends' quantized graphs (litert: TFLite on XNNPACK; qnn: ONNX on ONNX Runtime's CPU provider) against
 * backend-cpu's NPU-faithful mode, on the demo model: both calibrate on the same rows, then the logits at every
 * position of other prompts are compared. Prints the measured differences; fails beyond the compatibility kit's
 * stated tolerances.
 */
class NpuFaithfulModeTest {
  private static final List<String> CALIBRATION = List.of("Zevour was born in Fosler.",
      "The birthplace of Dretin is", "Fernalthan came into the world in");
  private static final List<String> PROMPTS = List.of("Zevour is a native of", "Vopouvom lives in",
      "The birthplace of Zevour is", "Dretin works as a");

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"litert, INT8", "litert, INT8_A16", "litert, INT8_A8", "qnn, INT8", "qnn, INT8_A16", "qnn, INT8_A8"})
  void quantizedGraphsStayWithinTheKitsTolerancesOfTheCpuBackend(String backend, Precision p) {
    BackendProvider provider = backend.equals("litert") ? new LitertBackendProvider() : new QnnBackendProvider();
    try (OpenModel m = ModelFiles.open(WorldModel.extract())) {
      Tokenizer tok = TokenizerLocator.forModel(m);
      int[][] calibration = CALIBRATION.stream().map(tok::encodeForModel).toArray(int[][]::new);
      BackendModel cpu = new CpuBackendProvider().create(new BackendConfig(2)).load(m, p);
      BackendModel graphs = provider.create(new BackendConfig(2)).load(m, p);
      cpu.calibrateActivations(calibration);
      graphs.calibrateActivations(calibration);
      double worst = 0;
      int agree = 0;
      int total = 0;
      for (String prompt : PROMPTS) {
        int[] row = tok.encodeForModel(prompt);
        int[] all = java.util.stream.IntStream.range(0, row.length).toArray();
        float[][] a = graphs.forward(new int[][] {row}, new int[][] {all})[0];
        float[][] e = cpu.forward(new int[][] {row}, new int[][] {all})[0];
        for (int i = 0; i < all.length; i++) {
          double diff = 0;
          double scale = 0;
          int am = 0;
          int em = 0;
          for (int j = 0; j < e[i].length; j++) {
            diff = Math.max(diff, Math.abs(a[i][j] - e[i][j]));
            scale = Math.max(scale, Math.abs(e[i][j]));
            am = a[i][j] > a[i][am] ? j : am;
            em = e[i][j] > e[i][em] ? j : em;
          }
          worst = Math.max(worst, diff / scale);
          agree += am == em ? 1 : 0;
          total++;
        }
      }
      double top1 = (double) agree / total;
      System.out.printf(Locale.ROOT, "%s %s: largest relative difference %.2e, top-1 agreement %d/%d%n", backend, p,
          worst, agree, total);
      org.mobiedit.tck.Tolerance t = org.mobiedit.tck.Tolerance.defaultFor(p);
      assertThat(worst).isLessThanOrEqualTo(t.relative());
      assertThat(top1).isGreaterThanOrEqualTo(t.top1());
      cpu.close();
      graphs.close();
    }
  }
}
