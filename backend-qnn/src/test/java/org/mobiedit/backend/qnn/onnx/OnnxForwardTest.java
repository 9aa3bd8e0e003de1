package org.mobiedit.backend.qnn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.backend.graph.TransformerGraph;
import org.mobiedit.backend.qnn.runtime.SharedWeights;
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

/**
 * The forward graph written as ONNX, run by the real ONNX Runtime (CPU provider) with the weights fed as inputs, gives
 * backend-cpu's logits (largest difference over the largest logit).
 */
class OnnxForwardTest {

  private static double compare(OpenModel m, int[] row, int bucket, boolean int8) throws OrtException {
    return compare(m, row, bucket, int8, Long.MAX_VALUE);
  }

  private static double compare(OpenModel m, int[] row, int bucket, boolean int8, long blockElements)
      throws OrtException {
    int[] positions = new int[row.length];
    for (int i = 0; i < row.length; i++) {
      positions[i] = i;
    }
    OnnxWriter.OnnxGraph graph = OnnxWriter.write(TransformerGraph.build(m,
        TransformerGraph.Variant.forward(bucket, row.length, new int[m.spec().layers()]), int8), "test", blockElements);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] flat;
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try (SharedWeights weights = new SharedWeights(env);
        OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(2);
      try (OrtSession session = env.createSession(graph.model(), options)) {
        feeds.put(graph.inputs().get(0).name(), OnnxTensor.createTensor(env, IntBuffer.wrap(Arrays.copyOf(row, bucket)),
            new long[] {bucket}));
        feeds.put(graph.inputs().get(1).name(), OnnxTensor.createTensor(env, IntBuffer.wrap(positions),
            new long[] {positions.length}));
        Map<String, OnnxTensor> all = new HashMap<>(feeds);
        for (OnnxWriter.Weight w : graph.weights()) {
          all.put(w.name(), weights.get(w));
        }
        try (OrtSession.Result r = session.run(all)) {
          OnnxTensor out = (OnnxTensor) r.get(0);
          flat = new float[(int) out.getInfo().getNumElements()];
          out.getFloatBuffer().get(flat);
        }
      }
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
    BackendModel cpu = new CpuBackendProvider().create(new BackendConfig(2)).load(m,
        int8 ? Precision.INT8 : Precision.FP32);
    float[][] ref = cpu.forward(new int[][] {row}, new int[][] {positions})[0];
    cpu.close();
    assertThat(flat).hasSize(ref.length * m.spec().vocabSize());
    double largest = 0;
    double worst = 0;
    for (int at = 0; at < flat.length; at++) {
      float expected = ref[at / m.spec().vocabSize()][at % m.spec().vocabSize()];
      largest = Math.max(largest, Math.abs(expected));
      worst = Math.max(worst, Math.abs(expected - flat[at]));
    }
    return worst / largest;
  }

  @Test
  void theDemoModelsLogitsMatchTheCpuBackend() throws OrtException {
    try (OpenModel m = ModelFiles.open(WorldModel.extract())) {
      int[] row = TokenizerLocator.forModel(m).encodeForModel("Zevour was born in");
      assertThat(compare(m, row, 16, false)).isLessThan(1e-4);
      assertThat(compare(m, row, 16, true)).isLessThan(1e-4);
    }
  }

  @Test
  void aTinyQwen2sLogitsMatchTheCpuBackend(@TempDir Path dir) throws OrtException {
    ModelSpec spec = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(64).intermediateSize(96)
        .layers(3).heads(4).kvHeads(2).vocabSize(300).contextLength(64).rmsNormEps(1e-6f).ropeTheta(1e6)
        .tiedEmbeddings(true).attentionBias(true).build();
    SyntheticModel.writeHf(spec, dir, 7, DType.F32);
    try (OpenModel m = ModelFiles.open(dir)) {
      assertThat(compare(m, new int[] {5, 17, 260, 3, 99, 42, 7}, 8, false)).isLessThan(1e-4);
    }
  }

  /**
   * An int8 LM head more than twice the size of the layers' matrices is written as products over blocks of its rows,
   * each block a view of the one weight (fed once), and still gives backend-cpu's logits: tied (the embedding is also
   * read whole, by the lookup) and untied (the head is only read in blocks, so it is not an input of its own).
   */
  @Test
  void aLargeInt8HeadIsMultipliedInBlocksOfRowsWithTheSameLogits(@TempDir Path dir) throws OrtException {
    for (boolean tied : new boolean[] {true, false}) {
      ModelSpec spec = ModelSpec.builder().architecture(tied ? Architecture.QWEN2 : Architecture.LLAMA).hiddenSize(64)
          .intermediateSize(96).layers(2).heads(4).kvHeads(2).vocabSize(300).contextLength(64).rmsNormEps(1e-6f)
          .ropeTheta(1e6).tiedEmbeddings(tied).attentionBias(tied).build();
      Path folder = dir.resolve(tied ? "tied" : "untied");
      SyntheticModel.writeHf(spec, folder, 11, DType.F32);
      try (OpenModel m = ModelFiles.open(folder)) {
        OnnxWriter.OnnxGraph graph = OnnxWriter.write(TransformerGraph.build(m,
            TransformerGraph.Variant.forward(8, 7, new int[spec.layers()]), true), "test", 64 * 96);
        // blocks of a layer's MLP matrix, 64 x 96 = 6144 elements: the 300-row head in 96 rows (96, 96, 96, 12)
        var parts = graph.weights().stream().filter(w -> w.whole() != null).toList();
        assertThat(parts).hasSize(8); // rows and scales of four blocks
        assertThat(parts.stream().filter(w -> w.type() == org.mobiedit.backend.graph.TensorType.INT8)
            .mapToInt(w -> w.shape()[0])).containsExactly(96, 96, 96, 12);
        OnnxWriter.Weight head = parts.get(0).whole();
        assertThat(parts).allSatisfy(p -> assertThat(p.whole().name()).isIn(head.name(), head.name() + ".scales"));
        assertThat(graph.weights().stream().anyMatch(w -> w.name().equals(head.name()))).isEqualTo(tied);
        assertThat(compare(m, new int[] {5, 17, 260, 3, 99, 42, 7}, 8, true, 64 * 96)).isLessThan(1e-4);
      }
    }
  }
}
