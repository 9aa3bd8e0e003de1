package org.mobiedit.backend.qnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.placement.HardwareProbe;
import org.mobiedit.backend.qnn.provider.ExecutionProvider;
import org.mobiedit.backend.qnn.provider.ProviderSelection;
import org.mobiedit.backend.qnn.runtime.OrtRuntime;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.world.WorldModel;

/**
 * The choice of execution provider against described devices (a Snapdragon phone whose ONNX Runtime offers QNN, a
 * desktop whose build offers the CPU provider only), and the QNN code path as it behaves on this machine.
 */
class QnnProviderTest {
  private static final EnumSet<OrtProvider> SNAPDRAGON = EnumSet.of(OrtProvider.CPU, OrtProvider.QNN);
  private static final EnumSet<OrtProvider> DESKTOP = EnumSet.of(OrtProvider.CPU);

  private static HardwareProbe<ExecutionProvider> device(EnumSet<OrtProvider> offered) {
    return p -> OrtRuntime.unavailable(p, offered);
  }

  @AfterEach
  void clearSetting() {
    System.clearProperty(ProviderSelection.PROPERTY);
  }

  @Test
  void autoSendsStaticIntegerGraphsToTheHtpWhereQnnIsOffered() {
    assertThat(ProviderSelection.RULE.select(null, Precision.INT8_A8, device(SNAPDRAGON)).chosen())
        .isEqualTo(ExecutionProvider.NPU);
    assertThat(ProviderSelection.RULE.select(null, Precision.INT8_A16, device(SNAPDRAGON)).chosen())
        .isEqualTo(ExecutionProvider.NPU);
    var fp32 = ProviderSelection.RULE.select(null, Precision.FP32, device(SNAPDRAGON));
    assertThat(fp32.chosen()).isEqualTo(ExecutionProvider.CPU);
    assertThat(fp32.skipped()).containsExactly("npu: the HTP compiles integer graphs; fp32 keeps float activations"
        + " (choose int8-a8 or int8-a16)");
  }

  @Test
  void withoutQnnEveryPrecisionRunsOnTheCpuProviderAndSaysWhy() {
    var c = ProviderSelection.RULE.select(null, Precision.INT8_A8, device(DESKTOP));
    assertThat(c.chosen()).isEqualTo(ExecutionProvider.CPU);
    assertThat(c.skipped()).singleElement().asString()
        .startsWith("npu: this ONNX Runtime build has no QNN execution provider")
        .contains("onnxruntime-android-qnn");
  }

  @Test
  void aNamedProviderIsTakenOrRefusedNeverReplaced() {
    assertThatThrownBy(() -> ProviderSelection.RULE.select(ExecutionProvider.NPU, Precision.INT8_A8, device(DESKTOP)))
        .isInstanceOf(MobiEditException.class)
        .hasMessageContaining("'npu' was requested (mobiedit.qnn.provider) but cannot run int8-a8 here");
    assertThatThrownBy(() -> ProviderSelection.RULE.select(ExecutionProvider.NPU, Precision.FP32, device(SNAPDRAGON)))
        .hasMessageContaining("keeps float activations");
    assertThat(ProviderSelection.RULE.select(ExecutionProvider.CPU, Precision.INT8_A8, device(SNAPDRAGON)).chosen())
        .isEqualTo(ExecutionProvider.CPU);
    assertThatThrownBy(() -> ProviderSelection.RULE.parse("gpu")).hasMessageContaining("use auto, npu or cpu");
  }

  @Test
  void rankedFirstOnlyForStaticIntegersOnAPhoneWithQnn() {
    assertThat(QnnBackendProvider.priority(Precision.INT8_A8, true)).isEqualTo(20);
    assertThat(QnnBackendProvider.priority(Precision.INT8_A16, true)).isEqualTo(20);
    assertThat(QnnBackendProvider.priority(Precision.FP32, true)).isEqualTo(-20);
    assertThat(QnnBackendProvider.priority(Precision.INT8_A8, false)).isEqualTo(-20);
    assertThat(new QnnBackendProvider().priority(Precision.INT8_A8)).isEqualTo(-20); // no QNN in this build
  }

  @Test
  void thisMachinesOnnxRuntimeOffersTheCpuProviderOnly() {
    assertThat(OrtRuntime.loadProblem()).isNull();
    assertThat(new OrtRuntime().unavailable(ExecutionProvider.CPU)).isNull();
    assertThat(new OrtRuntime().unavailable(ExecutionProvider.NPU)).contains("no QNN execution provider");
  }

  /** The call that reaches the HTP on a phone is made here too, and its failure is reported, not hidden. */
  @Test
  void theQnnProviderCallFailsCleanlyWhereTheBuildHasNoQnn(@TempDir Path cache) throws OrtException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      assertThatThrownBy(() -> OrtCompiler.addQnn(o, cache.resolve("g_ctx.onnx"))).isInstanceOf(OrtException.class);
    }
    try (var backend = new QnnBackend(1, ExecutionProvider.NPU, p -> null, cache);
        OpenModel m = ModelFiles.open(WorldModel.extract())) {
      var model = backend.load(m, Precision.INT8_A8);
      assertThatThrownBy(() -> model.forward(new int[][] {{1, 2, 3}}, new int[][] {{2}}))
          .isInstanceOf(MobiEditException.class)
          .hasMessageContaining("on its npu provider");
    }
  }

  @Test
  void compiledContextsAreKeptPerGraphAndModelOnlyForTheNpuWithACacheFolder(@TempDir Path cache) {
    try (OrtCompiler npu = new OrtCompiler(ExecutionProvider.NPU, 1, cache, false, 0, Long.MAX_VALUE);
        OrtCompiler noFolder = new OrtCompiler(ExecutionProvider.NPU, 1, null, false, 0, Long.MAX_VALUE);
        OrtCompiler cpu = new OrtCompiler(ExecutionProvider.CPU, 1, cache, false, 0, Long.MAX_VALUE)) {
      Path a = npu.contextFile("model-a", "forward-T8");
      assertThat(a).isNotNull();
      assertThat(a.getParent()).isEqualTo(cache);
      assertThat(a.getFileName().toString()).startsWith("forward-T8-").endsWith("_ctx.onnx");
      assertThat(npu.contextFile("model-b", "forward-T8")).isNotEqualTo(a);
      assertThat(npu.contextFile("model-a", "resume3-T8")).isNotEqualTo(a);
      assertThat(noFolder.contextFile("model-a", "forward-T8")).isNull();
      assertThat(cpu.contextFile("model-a", "forward-T8")).isNull();
    }
  }

  @Test
  void theGraphBudgetCountsEachSessionsWorkspaceAndHalfTheWeights() {
    var spec = org.mobiedit.spi.ModelSpec.builder().architecture(org.mobiedit.spi.Architecture.QWEN2).hiddenSize(896)
        .intermediateSize(4864).layers(24).heads(14).kvHeads(2).vocabSize(151936).contextLength(32768)
        .rmsNormEps(1e-6f).ropeTheta(1e6).tiedEmbeddings(true).attentionBias(true).build();
    long mlp = 4864L * 896; // the LM head is written in blocks no larger than the MLP's matrices
    assertThat(OrtCompiler.workspace(spec, Precision.FP32)).isZero();
    assertThat(OrtCompiler.workspace(spec, Precision.INT8_A8)).isEqualTo(mlp);
    assertThat(OrtCompiler.workspace(spec, Precision.INT8)).isEqualTo(4 * mlp);
    assertThat(OrtCompiler.workspace(spec, Precision.INT8_A16)).isEqualTo(4 * mlp);
    assertThat(OrtCompiler.defaultBudget(spec, Precision.INT8_A8))
        .isEqualTo(spec.parameterCount() / 2 + mlp + (64L << 20));
    assertThat(OrtCompiler.defaultBudget(spec, Precision.FP32)).isEqualTo(spec.parameterCount() * 2 + (64L << 20));
  }

  @Test
  void aNamedNpuIsRefusedAtLoadOnThisMachine() {
    System.setProperty(ProviderSelection.PROPERTY, "npu");
    try (var backend = new QnnBackendProvider().create(new BackendConfig(1));
        OpenModel m = ModelFiles.open(WorldModel.extract())) {
      assertThatThrownBy(() -> backend.load(m, Precision.INT8_A8))
          .isInstanceOf(MobiEditException.class)
          .hasMessageContaining("no QNN execution provider");
    }
  }

  @Test
  void precisionsItDoesNotWriteAreRefusedAtLoad() {
    try (var backend = new QnnBackendProvider().create(new BackendConfig(1));
        OpenModel m = ModelFiles.open(WorldModel.extract())) {
      assertThatThrownBy(() -> backend.load(m, Precision.INT8_DYNAMIC))
          .hasMessageContaining("does not write int8-dynamic graphs yet");
      assertThatThrownBy(() -> backend.load(m, Precision.INT4)).hasMessageContaining("int4");
    }
  }

  @Test
  void theAppsCacheFolderAndProviderPreferenceAreUsedUnlessPropertiesOverrideThem(@TempDir Path appCache) {
    assertThat(QnnBackendProvider.contextCache(appCache)).isEqualTo(appCache.resolve("qnn"));
    assertThat(QnnBackendProvider.contextCache(null)).isNull();
    assertThat(ProviderSelection.RULE.setting(org.mobiedit.api.AcceleratorPreference.CPU))
        .isEqualTo(ExecutionProvider.CPU);
    System.setProperty(QnnBackendProvider.CONTEXT_CACHE_PROPERTY, appCache.resolve("elsewhere").toString());
    System.setProperty(ProviderSelection.PROPERTY, "npu");
    try {
      assertThat(QnnBackendProvider.contextCache(appCache)).isEqualTo(appCache.resolve("elsewhere"));
      assertThat(ProviderSelection.RULE.setting(org.mobiedit.api.AcceleratorPreference.CPU))
          .isEqualTo(ExecutionProvider.NPU);
    } finally {
      System.clearProperty(QnnBackendProvider.CONTEXT_CACHE_PROPERTY);
    }
  }
}
