package org.mobiedit.core.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.Support;
import org.mobiedit.tools.synthetic.SyntheticModel;

/** A preferred backend that cannot run a model is replaced by the next one only when the caller allows it. */
class BackendFallbackTest {
  /** Preferred (priority 50) but refuses every model, as a backend whose writer cannot express it would. */
  static final class Refusing implements BackendProvider {
    @Override
    public String id() {
      return "refusing";
    }

    @Override
    public int priority() {
      return 50;
    }

    @Override
    public int spiVersion() {
      return SPI_VERSION;
    }

    @Override
    public Support support() {
      return Support.yes();
    }

    @Override
    public Backend create(BackendConfig config) {
      return new Backend() {
        @Override
        public String id() {
          return "refusing";
        }

        @Override
        public Set<Capability> capabilities() {
          return Set.of(Capability.PRECISION_FP32);
        }

        @Override
        public BackendModel load(ModelWeights weights, Precision precision) {
          throw new MobiEditException(Reason.MODEL_UNSUPPORTED, "this backend cannot express tied embeddings");
        }

        @Override
        public void close() {}
      };
    }
  }

  private static Path model(Path dir) {
    ModelSpec spec = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(32).intermediateSize(48)
        .layers(2).heads(4).kvHeads(2).vocabSize(300).contextLength(32).rmsNormEps(1e-6f).ropeTheta(1e6)
        .tiedEmbeddings(true).attentionBias(true).build();
    SyntheticModel.writeHf(spec, dir, 3, DType.F32);
    return dir;
  }

  private static BackendSelector selector() {
    return BackendSelector.of(List.of(new Refusing(), new CpuBackendProvider()));
  }

  @Test
  void withoutPermissionTheRefusalReachesTheCaller(@TempDir Path dir) {
    assertThatThrownBy(() -> LanguageModel.load(model(dir), LoadOptions.defaults().withThreads(1), selector()))
        .isInstanceOf(MobiEditException.class)
        .hasMessageContaining("cannot express tied embeddings")
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(Reason.MODEL_UNSUPPORTED);
  }

  @Test
  void withPermissionTheNextSupportedBackendRunsTheModel(@TempDir Path dir) {
    LoadOptions options = LoadOptions.defaults().withThreads(1).withFallback(true);
    try (LanguageModel lm = LanguageModel.load(model(dir), options, selector())) {
      assertThat(lm.backendId()).isEqualTo("cpu");
      assertThat(lm.backendRule()).contains("fallback after refusing");
    }
  }

  @Test
  void theAppEntryPointFallsBackOnlyWhenAllowed(@TempDir Path dir) {
    Path m = model(dir);
    EditOptions options = EditOptions.defaults();
    LoadOptions refuse = new LoadOptions(Precision.FP32, null, 1);
    assertThatThrownBy(() -> MobiEdit.open(m, options, refuse, selector()))
        .hasMessageContaining("cannot express tied embeddings");
    int[] onCpu;
    try (LanguageModel cpu = LanguageModel.load(m, new LoadOptions(Precision.FP32, "cpu", 1), selector())) {
      onCpu = cpu.generate("ab", GenerationOptions.greedy(3)).getGeneratedIds();
    }
    try (Editor editor = MobiEdit.open(m, options, refuse.withFallback(true), selector())) {
      assertThat(editor.generate("ab", GenerationOptions.greedy(3)).getGeneratedIds()).isEqualTo(onCpu);
    }
    assertThatThrownBy(() -> MobiEdit.open(m, options, new LoadOptions(Precision.INT8, null, 1), selector()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set the same precision in both");
  }

  @Test
  void aProblemOfTheModelItselfIsNeverRetried(@TempDir Path dir) {
    LoadOptions options = LoadOptions.defaults().withThreads(1).withFallback(true);
    assertThatThrownBy(() -> LanguageModel.load(dir.resolve("missing"), options, selector()))
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(Reason.MODEL_NOT_FOUND);
  }

  @Test
  void whenNoBackendCanRunItTheErrorListsEveryAttempt(@TempDir Path dir) {
    LoadOptions options = LoadOptions.defaults().withThreads(1).withFallback(true);
    assertThatThrownBy(() -> LanguageModel.load(model(dir), options, BackendSelector.of(List.of(new Refusing()))))
        .hasMessageContaining("No supported backend can run")
        .hasMessageContaining("refusing (this backend cannot express tied embeddings)");
  }
}
