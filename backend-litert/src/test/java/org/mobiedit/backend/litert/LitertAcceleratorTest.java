package org.mobiedit.backend.litert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.placement.HardwareSelection;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.accelerator.AcceleratorSelection;
import org.mobiedit.backend.litert.runtime.javacpp.RuntimeAccelerators;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.world.WorldModel;

/** The accelerator setting, through the real provider and runtime on this machine (which reaches the CPU only). */
class LitertAcceleratorTest {
  @AfterEach
  void clearSetting() {
    System.clearProperty(AcceleratorSelection.PROPERTY);
  }

  /** The demo model (a real Qwen2 with a trained tokenizer). */
  private static Path model() {
    return WorldModel.extract();
  }

  private static BackendSelector selector() {
    return BackendSelector.of(List.of(new LitertBackendProvider(), new CpuBackendProvider()));
  }

  @Test
  void thisMachineReachesTheCpuAndSaysWhyNotTheOthers() {
    RuntimeAccelerators probe = new RuntimeAccelerators();
    assertThat(probe.unavailable(Accelerator.CPU)).isNull();
    assertThat(probe.unavailable(Accelerator.NPU)).contains("reaches the CPU only").contains("NPU");
    HardwareSelection.Choice<Accelerator> c = AcceleratorSelection.select(null, Precision.INT8_A8, probe);
    assertThat(c.chosen()).isEqualTo(Accelerator.CPU);
    assertThat(c.skipped()).hasSize(2);
  }

  @Test
  void modelsLoadedWithTheDefaultSettingRunOnTheCpuAndGenerateAsBackendCpuDoes() {
    Path m = model();
    int[] reference;
    try (LanguageModel cpu = LanguageModel.load(m, new LoadOptions(Precision.FP32, "cpu", 1, false), selector())) {
      reference = cpu.generate("The capital of France is", GenerationOptions.greedy(4)).getGeneratedIds();
    }
    try (LanguageModel lm = LanguageModel.load(m, new LoadOptions(Precision.FP32, "litert", 1, false), selector())) {
      assertThat(lm.backendId()).isEqualTo("litert");
      assertThat(lm.generate("The capital of France is", GenerationOptions.greedy(4)).getGeneratedIds()).isEqualTo(reference);
    }
  }

  @Test
  void aNamedAcceleratorThatIsMissingFailsTheLoadUnlessFallbackIsAllowed() {
    System.setProperty(AcceleratorSelection.PROPERTY, "npu");
    Path m = model();
    assertThatThrownBy(() -> LanguageModel.load(m, new LoadOptions(Precision.INT8_A8, "litert", 1, false),
        selector()))
        .isInstanceOf(MobiEditException.class)
        .hasMessageContaining("'npu' was requested")
        .hasMessageContaining("reaches the CPU only");
    try (LanguageModel lm = LanguageModel.load(m, new LoadOptions(Precision.INT8_A8, "litert", 1, true),
        selector())) {
      assertThat(lm.backendId()).isEqualTo("cpu");
    }
  }

  @Test
  void anUnknownSettingMakesTheBackendUnsupportedWithTheReason() {
    System.setProperty(AcceleratorSelection.PROPERTY, "tpu");
    assertThat(new LitertBackendProvider().support().isSupported()).isFalse();
    assertThat(new LitertBackendProvider().support().reason()).contains("Unknown LiteRT accelerator 'tpu'");
    assertThatThrownBy(() -> new LitertBackendProvider().create(new BackendConfig(1)))
        .hasMessageContaining("use auto, npu, gpu or cpu");
  }
}
