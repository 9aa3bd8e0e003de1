package org.mobiedit.spi;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** ModelSpec refuses sizes beyond any real model before anything is allocated or a tensor name is built. */
class ModelSpecLimitsTest {
  /** Llama 3.1 405B: among the largest dense models, it must build. */
  private static ModelSpec.Builder llama405b() {
    return ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(16384).intermediateSize(53248).layers(126)
        .heads(128).kvHeads(8).headDim(128).vocabSize(128256).contextLength(131072).ropeTheta(500000)
        .rmsNormEps(1e-5f);
  }

  private static void refused(UnaryOperator<ModelSpec.Builder> change, String what) {
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThatThrownBy(() -> change.apply(llama405b()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(what));
  }

  @Test
  void theLargestRealModelsBuild() {
    assertEquals(126 * 9 + 3, llama405b().build().requiredTensors().size());
    ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(8192).intermediateSize(29568).layers(80)
        .heads(64).kvHeads(8).vocabSize(152064).contextLength(1 << 20).ropeTheta(1e6).attentionBias(true).build();
  }

  @Test
  void aLayerCountOfIntMaxIsRefusedBeforeAnyNameIsBuilt() {
    refused(b -> b.layers(Integer.MAX_VALUE), "layer count");
    refused(b -> b.layers(ModelSpec.MAX_LAYERS + 1), "layer count");
  }

  @Test
  void widthsBeyondTheLimitsAreRefused() {
    refused(b -> b.hiddenSize(ModelSpec.MAX_HIDDEN_SIZE * 2), "hidden size");
    refused(b -> b.intermediateSize(ModelSpec.MAX_INTERMEDIATE_SIZE + 1), "intermediate size");
    refused(b -> b.heads(ModelSpec.MAX_HEADS * 2).kvHeads(8), "attention head count");
    refused(b -> b.headDim(ModelSpec.MAX_HEAD_DIM + 2), "head dimension");
    refused(b -> b.vocabSize(ModelSpec.MAX_VOCAB_SIZE + 1), "vocabulary size");
    refused(b -> b.contextLength(ModelSpec.MAX_CONTEXT_LENGTH + 1), "context length");
  }

  @Test
  void keyValueHeadsMustDivideTheHeads() {
    refused(b -> b.kvHeads(256), "key/value heads");
    refused(b -> b.kvHeads(3), "key/value heads");
  }

  @Test
  void absurdNormEpsilonIsRefused() {
    refused(b -> b.rmsNormEps(Float.NaN), "epsilon");
    refused(b -> b.rmsNormEps(-1e-5f), "epsilon");
    refused(b -> b.rmsNormEps(1e30f), "epsilon");
    refused(b -> b.ropeTheta(Double.POSITIVE_INFINITY), "rope theta");
  }
}
