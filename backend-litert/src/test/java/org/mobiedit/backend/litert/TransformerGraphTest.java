package org.mobiedit.backend.litert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.backend.graph.TransformerGraph;
import org.mobiedit.backend.litert.runtime.javacpp.TfliteInterpreter;
import org.mobiedit.backend.litert.tflite.TfliteFile;
import org.mobiedit.backend.litert.tflite.TfliteWriter;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.core.internal.model.TokenizerLocator;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.tools.synthetic.SyntheticModel;
import org.mobiedit.world.WorldModel;

/** The written forward graph, run by the real TFLite runtime, gives backend-cpu's logits. */
class TransformerGraphTest {

  private static double compare(OpenModel m, int[] row, int bucket) {
    int[] positions = new int[row.length];
    for (int i = 0; i < row.length; i++) {
      positions[i] = i;
    }
    TfliteFile model = TfliteWriter.write(TransformerGraph.build(m,
        TransformerGraph.Variant.forward(bucket, row.length, new int[m.spec().layers()])), "test");
    float[] flat;
    try (TfliteInterpreter it = TfliteInterpreter.openAndRemove(
        new GraphCache(null).file("test", "forward", () -> model).path(), 2)) {
      it.setInput(0, Arrays.copyOf(row, bucket));
      it.setInput(1, positions);
      it.run();
      flat = it.floatOutput(0);
    }
    BackendModel cpu = new CpuBackendProvider().create(new BackendConfig(2)).load(m, Precision.FP32);
    float[][] ref = cpu.forward(new int[][] {row}, new int[][] {positions})[0];
    int v = m.spec().vocabSize();
    double worst = 0;
    for (int p = 0; p < row.length; p++) {
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < v; i++) {
        scale = Math.max(scale, Math.abs(ref[p][i]));
        diff = Math.max(diff, Math.abs(ref[p][i] - flat[p * v + i]));
      }
      worst = Math.max(worst, diff / scale);
    }
    cpu.close();
    return worst;
  }

  @Test
  void theDemoModelsLogitsMatchTheCpuBackend() {
    try (OpenModel m = ModelFiles.open(WorldModel.extract())) {
      int[] row = TokenizerLocator.forModel(m).encodeForModel("Zevour was born in");
      double worst = compare(m, row, 16);
      System.out.println("world worst relative difference " + worst);
      assertThat(worst).isLessThan(1e-4);
    }
  }

  @Test
  void aTinyQwen2sLogitsMatchTheCpuBackend(@TempDir Path dir) {
    ModelSpec spec = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(64).intermediateSize(96)
        .layers(3).heads(4).kvHeads(2).vocabSize(300).contextLength(64).rmsNormEps(1e-6f).ropeTheta(1e6)
        .tiedEmbeddings(true).attentionBias(true).build();
    SyntheticModel.writeHf(spec, dir, 7, DType.F32);
    try (OpenModel m = ModelFiles.open(dir)) {
      assertThat(compare(m, new int[] {5, 17, 260, 3, 99, 42, 7}, 8)).isLessThan(1e-4);
    }
  }
}
