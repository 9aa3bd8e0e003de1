package org.mobiedit.backend.qnn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.GraphModel;
import org.mobiedit.backend.qnn.provider.ExecutionProvider;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.tools.synthetic.SyntheticModel;
import org.mobiedit.world.WorldModel;

/**
 * The form of the graphs the QNN provider compiles, weights as initializers in one external data file, run here on the
 * CPU provider: the same logits as the weights fed as inputs, and the file gone when the model closes.
 */
class WeightsInGraphsTest {
  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"FP32", "INT8_A8", "INT8_A16"})
  void weightsInAFileGiveTheLogitsOfWeightsAsInputs(Precision p, @TempDir Path cache, @TempDir Path synthetic)
      throws IOException {
    // the demo model, and a model whose LM head is written in blocks of rows (each block placed inside the whole)
    ModelSpec spec = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(64).intermediateSize(96)
        .layers(2).heads(4).kvHeads(2).vocabSize(300).contextLength(64).rmsNormEps(1e-6f).ropeTheta(1e6)
        .tiedEmbeddings(true).attentionBias(true).build();
    SyntheticModel.writeHf(spec, synthetic, 5, DType.F32);
    for (Path model : new Path[] {WorldModel.extract(), synthetic}) {
      sameLogits(p, model, cache);
    }
  }

  private static void sameLogits(Precision p, Path model, Path cache) throws IOException {
    int[][] rows = {{1, 5, 9, 2, 7, 3}};
    int[][] at = {{0, 5}};
    float[][] inputs;
    float[][] inFile;
    try (OpenModel m = ModelFiles.open(model)) {
      try (GraphModel a = model(m, p, null, false)) {
        inputs = a.forward(rows, at)[0];
      }
      try (GraphModel b = model(m, p, cache, true)) {
        inFile = b.forward(rows, at)[0];
        try (Stream<Path> files = Files.list(cache)) {
          assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".bin"));
        }
      }
    }
    for (int i = 0; i < inputs.length; i++) {
      float largest = 0;
      float diff = 0;
      for (int v = 0; v < inputs[i].length; v++) {
        largest = Math.max(largest, Math.abs(inputs[i][v]));
        diff = Math.max(diff, Math.abs(inputs[i][v] - inFile[i][v]));
      }
      assertThat(diff / largest).as(p + " " + model + " position " + at[0][i]).isLessThan(1e-5f);
    }
    try (Stream<Path> files = Files.list(cache)) {
      assertThat(files).as("nothing left in the cache folder").isEmpty();
    }
  }

  private static GraphModel model(OpenModel m, Precision p, Path cache, boolean weightsInGraphs) {
    return new GraphModel(m, p, new OrtCompiler(ExecutionProvider.CPU, 1, cache, weightsInGraphs, 0,
        OrtCompiler.blockElements(m.spec())), 1L << 30);
  }
}
