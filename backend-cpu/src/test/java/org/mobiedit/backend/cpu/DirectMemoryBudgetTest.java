package org.mobiedit.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.kernel.DotProduct;
import org.mobiedit.backend.cpu.kernel.DotProducts;
import org.mobiedit.backend.cpu.memory.DirectMemoryBudget;
import org.mobiedit.backend.cpu.memory.WeightFootprint;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.Tensor;

/**
 * The CPU backend refuses a model whose weights cannot fit in the direct memory the JVM still allows, before it
 * copies any of them.
 */
class DirectMemoryBudgetTest {
  private static final long MIB = 1L << 20;
  private static final DotProduct SCALAR = DotProducts.select("scalar");

  /** A Llama 2 7B shape: about 27 GB of weights in fp32 and 7 GB in int8. */
  private static final ModelSpec SEVEN_B = ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(4096)
      .intermediateSize(11008).layers(32).heads(32).vocabSize(32000).contextLength(4096).build();

  /** Weights whose tensors have the spec's shapes but no data (reads leave the buffer as it is). */
  private static ModelWeights shapesOnly(ModelSpec spec) {
    return new ModelWeights() {
      @Override
      public ModelSpec spec() {
        return spec;
      }

      @Override
      public Optional<Tensor> find(String name) {
        long[] shape = spec.expectedShape(name);
        return Optional.ofNullable(shape == null ? null : new Tensor() {
          @Override
          public String name() {
            return name;
          }

          @Override
          public DType dtype() {
            return DType.F32;
          }

          @Override
          public long[] shape() {
            return shape.clone();
          }

          @Override
          public void read(long start, float[] dst, int dstOffset, int count) {}
        });
      }

      @Override
      public Set<String> tensorNames() {
        return Set.copyOf(spec.requiredTensors());
      }

      @Override
      public String fingerprint() {
        return "shapes-only";
      }
    };
  }

  /** Weights that fail the test if the backend touches any tensor. */
  private static ModelWeights untouchable(ModelSpec spec) {
    return new ModelWeights() {
      @Override
      public ModelSpec spec() {
        return spec;
      }

      @Override
      public Optional<Tensor> find(String name) {
        throw new AssertionError("the backend read tensor " + name + " of a model it should have refused");
      }

      @Override
      public Set<String> tensorNames() {
        return Set.copyOf(spec.requiredTensors());
      }

      @Override
      public String fingerprint() {
        return "untouchable";
      }
    };
  }

  @Test
  void theEstimateIsExactlyWhatTheLoadedModelReports() {
    for (ModelSpec spec : new ModelSpec[] {TinyModels.llama().build(), TinyModels.qwen2().build(),
        TinyModels.llama().tiedEmbeddings(true).build()}) {
      TinyModels.Weights w = TinyModels.random(spec, 3);
      for (Precision p : Precision.values()) {
        try (CpuBackend backend = new CpuBackend(1, SCALAR)) {
          BackendModel m = backend.load(w, p);
          assertThat(WeightFootprint.bytes(spec, p)).as(spec + " in " + p).isEqualTo(m.memory().weightBytes());
        }
      }
    }
    assertThat(WeightFootprint.bytes(SEVEN_B, Precision.FP32)).isEqualTo(4 * SEVEN_B.parameterCount());
  }

  @Test
  void aModelLargerThanTheFreeDirectMemoryIsRefusedBeforeAnyWeightIsCopied() {
    ModelSpec spec = TinyModels.llama().build();
    long needed = WeightFootprint.bytes(spec, Precision.FP32);
    try (CpuBackend backend = new CpuBackend(1, SCALAR, DirectMemoryBudget.of(needed - 1, 64 * MIB))) {
      assertThatThrownBy(() -> backend.load(untouchable(spec), Precision.FP32))
          .isInstanceOfSatisfying(MobiEditException.class, e -> {
            assertThat(e.getReason()).isEqualTo(Reason.BACKEND_FAILURE);
            assertThat(e.getMessage()).contains("need about 1 MiB of memory outside the Java heap in fp32",
                "only 0 MiB of the JVM's 64 MiB", "int8 or int4 precision", "smaller model", "-XX:MaxDirectMemorySize",
                "MOBIEDIT_JAVA_OPTS");
          });
    }
  }

  @Test
  void int8IsNotSuggestedWhenTheModelIsAlreadyLoadedInInt8() {
    try (CpuBackend backend = new CpuBackend(1, SCALAR, DirectMemoryBudget.of(100 * MIB, 1024 * MIB))) {
      assertThatThrownBy(() -> backend.load(untouchable(SEVEN_B), Precision.INT8))
          .isInstanceOfSatisfying(MobiEditException.class, e -> {
            assertThat(e.getMessage()).contains("6,4", " MiB of memory outside the Java heap in int8", "100 MiB of the JVM's 1,024 MiB")
                .doesNotContain("int8 or int4 precision");
          });
    }
  }

  @Test
  void aModelThatJustFitsLoads() {
    ModelSpec spec = TinyModels.qwen2().build();
    long needed = WeightFootprint.bytes(spec, Precision.INT8);
    try (CpuBackend backend = new CpuBackend(1, SCALAR, DirectMemoryBudget.of(needed, needed))) {
      assertThat(backend.load(TinyModels.random(spec, 1), Precision.INT8).memory().weightBytes()).isEqualTo(needed);
    }
  }

  /**
   * With this JVM's real limit (the test JVM leaves -XX:MaxDirectMemorySize at its default, the maximum heap): the 7B
   * shape used to be copied tensor by tensor until OutOfMemoryError.
   */
  @Test
  void aModelFarLargerThanThisJvmsDirectMemoryLimitIsRefusedWithItsRealFigures() {
    long needed = WeightFootprint.bytes(SEVEN_B, Precision.FP32);
    assumeTrue(needed > Runtime.getRuntime().maxMemory(), "this JVM could hold a 7B model in fp32");
    MobiEditException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      try (CpuBackend backend = new CpuBackend(1, SCALAR)) {
        backend.load(shapesOnly(SEVEN_B), Precision.FP32);
      } catch (MobiEditException x) {
        return x;
      }
      throw new AssertionError("a 7B model was loaded in fp32 under a limit of " + Runtime.getRuntime().maxMemory());
    });
    assertThat(e.getReason()).isEqualTo(Reason.BACKEND_FAILURE);
    assertThat(e.getMessage()).contains(String.format(java.util.Locale.ROOT, "need about %,d MiB",
        (needed + MIB - 1) / MIB), String.format(java.util.Locale.ROOT, "of the JVM's %,d MiB direct-memory limit",
        Runtime.getRuntime().maxMemory() / MIB));
  }
}
