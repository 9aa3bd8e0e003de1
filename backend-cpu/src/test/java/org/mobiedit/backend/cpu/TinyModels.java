package org.mobiedit.backend.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.RopeScaling;
import org.mobiedit.spi.Tensor;
import org.mobiedit.spi.TensorNames;

/** Small in-memory models with seeded random weights, built by the tests themselves. */
final class TinyModels {
  private TinyModels() {}

  static ModelSpec.Builder llama() {
    return ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(32).intermediateSize(48).layers(3)
        .heads(4).kvHeads(2).vocabSize(97).contextLength(64).rmsNormEps(1e-5f).ropeTheta(10000);
  }

  static ModelSpec.Builder qwen2() {
    return llama().architecture(Architecture.QWEN2).attentionBias(true).ropeTheta(1e6).tiedEmbeddings(true)
        .kvHeads(1);
  }

  static ModelSpec.Builder llama3Scaled() {
    return llama().ropeTheta(500000).ropeScaling(RopeScaling.llama3(32, 1, 4, 16));
  }

  /** Random weights for a spec; norms near 1. */
  static Weights random(ModelSpec spec, long seed) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    SplittableRandom r = new SplittableRandom(seed);
    for (String name : spec.requiredTensors()) {
      long[] shape = spec.expectedShape(name);
      int n = 1;
      for (long d : shape) {
        n *= (int) d;
      }
      float[] data = new float[n];
      boolean norm = name.endsWith("norm.weight");
      for (int i = 0; i < n; i++) {
        data[i] = norm ? (float) (1 + 0.1 * (r.nextDouble() - 0.5)) : (float) ((r.nextDouble() - 0.5) * 0.6);
      }
      tensors.put(name, new ArrayTensor(name, shape, data));
    }
    return new Weights(spec, tensors);
  }

  /**
   * The same weights with q/k rows permuted from rotate-half to interleaved order (what llama.cpp's converter does),
   * with the spec switched to {@link RopeLayout#INTERLEAVED}: the model must compute exactly the same function.
   */
  static Weights toInterleaved(Weights w) {
    ModelSpec spec = w.spec().toBuilder().ropeLayout(RopeLayout.INTERLEAVED).build();
    Map<String, Tensor> out = new LinkedHashMap<>(w.tensors);
    int hd = spec.headDim();
    for (int l = 0; l < spec.layers(); l++) {
      permute(out, TensorNames.attnQ(l), spec.heads(), hd, spec.hiddenSize());
      permute(out, TensorNames.attnK(l), spec.kvHeads(), hd, spec.hiddenSize());
      if (spec.attentionBias()) {
        permute(out, TensorNames.attnQBias(l), spec.heads(), hd, 1);
        permute(out, TensorNames.attnKBias(l), spec.kvHeads(), hd, 1);
      }
    }
    return new Weights(spec, out);
  }

  private static void permute(Map<String, Tensor> t, String name, int heads, int hd, int cols) {
    ArrayTensor src = (ArrayTensor) t.get(name);
    float[] dst = new float[src.data.length];
    int half = hd / 2;
    for (int h = 0; h < heads; h++) {
      for (int j = 0; j < half; j++) {
        // rotate-half row j pairs with j+half; interleaved rows 2j and 2j+1 hold them
        System.arraycopy(src.data, (h * hd + j) * cols, dst, (h * hd + 2 * j) * cols, cols);
        System.arraycopy(src.data, (h * hd + half + j) * cols, dst, (h * hd + 2 * j + 1) * cols, cols);
      }
    }
    t.put(name, new ArrayTensor(name, src.shape(), dst));
  }

  static final class Weights implements ModelWeights {
    private final ModelSpec spec;
    final Map<String, Tensor> tensors;

    Weights(ModelSpec spec, Map<String, Tensor> tensors) {
      this.spec = spec;
      this.tensors = tensors;
    }

    @Override
    public ModelSpec spec() {
      return spec;
    }

    @Override
    public Optional<Tensor> find(String name) {
      return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Set<String> tensorNames() {
      return tensors.keySet();
    }

    @Override
    public String fingerprint() {
      return "tiny-" + spec.hashCode();
    }
  }
}
