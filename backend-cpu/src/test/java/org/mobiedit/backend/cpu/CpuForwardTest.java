package org.mobiedit.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.kernel.DotProducts;
import org.mobiedit.backend.cpu.kernel.Int8Matrix;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.InferenceSequence;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.Tensor;

/** The CPU backend's fast path against the plain double-precision reference, and its contract. */
class CpuForwardTest {
  private static final int[] IDS = {3, 17, 42, 5, 96, 0, 64, 8, 8, 31, 77};

  static Stream<Arguments> specs() {
    return Stream.of(
        Arguments.of("llama GQA untied", TinyModels.llama().build()),
        Arguments.of("llama MHA", TinyModels.llama().kvHeads(4).build()),
        Arguments.of("qwen2 biases, one kv head, tied", TinyModels.qwen2().build()),
        Arguments.of("llama3 rope scaling", TinyModels.llama3Scaled().build()),
        Arguments.of("llama interleaved rope", TinyModels.llama().ropeLayout(
            org.mobiedit.spi.RopeLayout.INTERLEAVED).build()));
  }

  private static BackendModel load(TinyModels.Weights w, Precision p, int threads) {
    Backend b = new CpuBackendProvider().create(new BackendConfig(threads));
    return b.load(w, p);
  }

  private static float[][] all(BackendModel m, int[] ids) {
    int[] pos = new int[ids.length];
    java.util.Arrays.setAll(pos, i -> i);
    return m.forward(new int[][] {ids}, new int[][] {pos})[0];
  }

  private static void assertClose(double[][] expected, float[][] got, double rel) {
    for (int t = 0; t < expected.length; t++) {
      for (int v = 0; v < expected[t].length; v++) {
        double tol = rel * Math.max(1, Math.abs(expected[t][v]));
        assertThat((double) got[t][v]).as("position %d logit %d", t, v).isCloseTo(expected[t][v],
            org.assertj.core.data.Offset.offset(tol));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void fp32LogitsMatchTheDoublePrecisionReference(String label, ModelSpec spec) {
    TinyModels.Weights w = TinyModels.random(spec, 11);
    assertClose(new ReferenceForward(w).logits(IDS), all(load(w, Precision.FP32, 2), IDS), 1e-4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void int8LogitsMatchTheReferenceRunOnTheDequantisedWeights(String label, ModelSpec spec) {
    TinyModels.Weights w = TinyModels.random(spec, 12);
    assertClose(new ReferenceForward(dequantised(w, spec)).logits(IDS), all(load(w, Precision.INT8, 2), IDS), 1e-4);
  }

  /**
   * int8-dynamic is int8 with every product's input rounded per token. The fast path rounds float activations, the
   * reference doubles ones, so an activation lying on a rounding boundary could go either way; on these models none
   * does, and the logits agree as closely as int8's.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void int8DynamicLogitsMatchTheReferenceRoundingEachProductInput(String label, ModelSpec spec) {
    TinyModels.Weights w = TinyModels.random(spec, 12);
    float[][] got = all(load(w, Precision.INT8_DYNAMIC, 2), IDS);
    assertClose(new ReferenceForward(dequantised(w, spec), true).logits(IDS), got, 1e-4);
    double moved = 0;
    float[][] int8 = all(load(w, Precision.INT8, 2), IDS);
    for (int t = 0; t < got.length; t++) {
      for (int i = 0; i < got[t].length; i++) {
        moved = Math.max(moved, Math.abs(got[t][i] - int8[t][i]));
      }
    }
    assertThat(moved).as("the rounding is really applied").isGreaterThan(1e-4);
  }

  private static TinyModels.Weights dequantised(TinyModels.Weights w, ModelSpec spec) {
    TinyModels.Weights dequantised = new TinyModels.Weights(spec, new java.util.LinkedHashMap<>(w.tensors));
    for (Map.Entry<String, Tensor> e : w.tensors.entrySet()) {
      Tensor t = e.getValue();
      if (t.shape().length == 2) {
        Int8Matrix q = Int8Matrix.of(t, DotProducts.select("scalar"));
        float[] d = new float[t.rows() * t.columns()];
        for (int r = 0; r < t.rows(); r++) {
          q.row(r, d, r * t.columns());
        }
        dequantised.tensors.put(e.getKey(), new ArrayTensor(e.getKey(), t.shape(), d));
      }
    }
    return dequantised;
  }

  @Test
  void aTokenGetsTheSameNumbersWhateverTheChunkItIsProcessedIn() {
    // Prefill multiplies four tokens per loaded weight row; results must not depend on a token's place in a chunk.
    TinyModels.Weights w = TinyModels.random(TinyModels.llama().hiddenSize(64).intermediateSize(96).build(), 19);
    for (Precision p : new Precision[] {Precision.FP32, Precision.INT8}) {
      BackendModel m = load(w, p, 2);
      float[][] full = all(m, IDS);
      try (InferenceSequence seq = m.newSequence(32)) {
        seq.append(java.util.Arrays.copyOf(IDS, 3));
        float[] last = seq.append(java.util.Arrays.copyOfRange(IDS, 3, IDS.length));
        assertArrayEquals(full[IDS.length - 1], last, p + ": last token after a 3 + 8 split");
      }
    }
  }

  @Test
  void incrementalDecodingWithTheCacheEqualsTheFullForward() {
    TinyModels.Weights w = TinyModels.random(TinyModels.qwen2().build(), 13);
    BackendModel m = load(w, Precision.FP32, 2);
    float[][] full = all(m, IDS);
    try (InferenceSequence seq = m.newSequence(32)) {
      float[] last = seq.append(java.util.Arrays.copyOf(IDS, 5));
      assertClose(toDouble(full[4]), new float[][] {last}, 1e-5);
      for (int t = 5; t < IDS.length; t++) {
        last = seq.append(new int[] {IDS[t]});
        assertClose(toDouble(full[t]), new float[][] {last}, 1e-5);
      }
      assertEquals(IDS.length, seq.length());
      seq.truncate(5);
      float[] again = seq.append(new int[] {IDS[5]});
      assertClose(toDouble(full[5]), new float[][] {again}, 1e-5);
    }
  }

  private static double[][] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return new double[][] {d};
  }

  @Test
  void batchedRowsOfDifferentLengthsEqualOneByOne() {
    BackendModel m = load(TinyModels.random(TinyModels.llama().build(), 14), Precision.FP32, 2);
    int[] a = {1, 2, 3};
    int[] b = {9, 8, 7, 6, 5, 4};
    float[][][] batch = m.forward(new int[][] {a, b}, new int[][] {{2}, {0, 5}});
    assertArrayEquals(m.forward(new int[][] {a}, new int[][] {{2}})[0][0], batch[0][0]);
    assertArrayEquals(m.forward(new int[][] {b}, new int[][] {{0, 5}})[0][1], batch[1][1]);
  }

  @Test
  void interleavedLayoutWithPermutedWeightsComputesTheSameFunction() {
    TinyModels.Weights halfRotated = TinyModels.random(TinyModels.qwen2().build(), 15);
    TinyModels.Weights interleaved = TinyModels.toInterleaved(halfRotated);
    float[][] a = all(load(halfRotated, Precision.FP32, 1), IDS);
    float[][] b = all(load(interleaved, Precision.FP32, 1), IDS);
    double[][] ad = new double[a.length][];
    for (int t = 0; t < a.length; t++) {
      ad[t] = toDouble(a[t])[0];
    }
    assertClose(ad, b, 1e-5);
  }

  @Test
  void resultsAreBitIdenticalForAnyThreadCount() {
    TinyModels.Weights w = TinyModels.random(TinyModels.llama().build(), 16);
    float[][] one = all(load(w, Precision.INT8, 1), IDS);
    float[][] three = all(load(w, Precision.INT8, 3), IDS);
    for (int t = 0; t < one.length; t++) {
      assertArrayEquals(one[t], three[t]);
    }
  }

  @Test
  void badInputIsRejectedWithClearErrors() {
    BackendModel m = load(TinyModels.random(TinyModels.llama().build(), 17), Precision.FP32, 1);
    assertThatThrownBy(() -> m.forward(new int[][] {{1, 97}}, new int[][] {{0}}))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("token id 97 is outside the vocabulary");
    assertThatThrownBy(() -> m.forward(new int[][] {{}}, new int[][] {{}}))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> m.forward(new int[][] {{1, 2}}, new int[][] {{2}}))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("outside it");
    assertThatThrownBy(() -> m.forward(new int[][] {new int[65]}, new int[][] {{0}}))
        .isInstanceOf(MobiEditException.class)
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(MobiEditException.Reason.CONTEXT_OVERFLOW);
    try (InferenceSequence seq = m.newSequence(4)) {
      seq.append(new int[] {1, 2, 3});
      assertThatThrownBy(() -> seq.append(new int[] {4, 5})).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("capacity of 4");
    }
  }

  @Test
  void everyPrecisionIsOfferedAndAdvertised() {
    Backend b = new CpuBackendProvider().create(new BackendConfig(1));
    for (Precision p : Precision.values()) {
      assertThat(b.load(TinyModels.random(TinyModels.llama().build(), 1), p).precision()).isEqualTo(p);
    }
    assertThat(b.capabilities()).contains(org.mobiedit.spi.Capability.PRECISION_INT8_A8,
        org.mobiedit.spi.Capability.PRECISION_INT8_A16);
  }

  @Test
  void closingTheBackendClosesItsModelsAndIsIdempotent() {
    Backend b = new CpuBackendProvider().create(new BackendConfig(2));
    BackendModel m = b.load(TinyModels.random(TinyModels.llama().build(), 2), Precision.FP32);
    b.close();
    b.close();
    assertThatThrownBy(() -> m.forward(new int[][] {{1}}, new int[][] {{0}})).isInstanceOf(IllegalStateException.class);
  }
}
