package org.mobiedit.backend.litert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.runtime.android.AndroidDevice;
import org.mobiedit.backend.litert.runtime.android.EmulatedAndroid;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.world.WorldModel;

/**
 * backend-litert in an Android app that holds Google's TensorFlow Lite for Android, on emulated devices: the real
 * provider, backend and graphs, with the Android binding's interpreter replaced by the TFLite interpreter through
 * JavaCPP behind the same buffers ({@link EmulatedAndroid}).
 */
class LitertOnAndroidTest {
  private static final String PROMPT = "The capital of France is";

  private static LitertBackendProvider on(EmulatedAndroid device) {
    return new LitertBackendProvider(() -> List.of(device.binding()));
  }

  private static int[] cpuGreedy(Path model) {
    try (LanguageModel cpu = LanguageModel.load(model, new LoadOptions(Precision.FP32, "cpu", 1, false),
        BackendSelector.of(List.of(new CpuBackendProvider())))) {
      return cpu.generate(PROMPT, GenerationOptions.greedy(4)).getGeneratedIds();
    }
  }

  @Test
  void whereTheGpuOrNpuIsReachedTheBackendRanksAboveTheCpuBackend() {
    LitertBackendProvider phone = on(EmulatedAndroid.phone());
    assertThat(phone.priority(Precision.FP32)).isEqualTo(LitertBackendProvider.ACCELERATED_PRIORITY);
    assertThat(phone.priority(Precision.INT8_A8)).isEqualTo(LitertBackendProvider.ACCELERATED_PRIORITY);
    assertThat(phone.priority(Precision.INT8_DYNAMIC)).isEqualTo(10); // CPU only: XNNPACK's integer kernels
    assertThat(phone.support().reason()).contains("runtime: TensorFlow Lite");

    LitertBackendProvider old = on(new EmulatedAndroid(26, Set.of(AndroidDevice.INTERPRETER), null, "no GPU"));
    assertThat(old.priority(Precision.FP32)).isEqualTo(-10);
    assertThat(old.priority(Precision.INT8_A8)).isEqualTo(-10);

    LitertBackendProvider none = on(new EmulatedAndroid(34, Set.of(), null, null));
    assertThat(none.priority(Precision.FP32)).isEqualTo(-10);
    assertThat(none.support().isSupported()).isFalse();
    assertThat(none.support().reason()).contains("org.tensorflow:tensorflow-lite");
  }

  @Test
  void onAPhoneAnAppsModelGoesToTheGpuByItselfAndGeneratesAsBackendCpuDoes() {
    Path model = WorldModel.extract();
    EmulatedAndroid phone = EmulatedAndroid.phone();
    BackendSelector selector = BackendSelector.of(List.of(new CpuBackendProvider(), on(phone)));
    try (LanguageModel lm = LanguageModel.load(model, new LoadOptions(Precision.FP32, null, 1, false), selector)) {
      assertThat(lm.backendId()).isEqualTo("litert");
      assertThat(lm.generate(PROMPT, GenerationOptions.greedy(4)).getGeneratedIds()).isEqualTo(cpuGreedy(model));
    }
    assertThat(phone.compiled()).isNotEmpty().containsOnly(Accelerator.GPU);
  }

  @Test
  void aGpuThatRefusesTheGraphsLeavesThemToTheCpuWithTheSameText() {
    Path model = WorldModel.extract();
    EmulatedAndroid phone = EmulatedAndroid.phone().failing(Accelerator.GPU);
    BackendSelector selector = BackendSelector.of(List.of(new CpuBackendProvider(), on(phone)));
    try (LanguageModel lm = LanguageModel.load(model, new LoadOptions(Precision.FP32, null, 1, false), selector)) {
      assertThat(lm.generate(PROMPT, GenerationOptions.greedy(4)).getGeneratedIds()).isEqualTo(cpuGreedy(model));
    }
    assertThat(phone.compiled()).contains(Accelerator.GPU, Accelerator.CPU);
  }

  @Test
  void npuGraphsAreCompiledWithATokenForNnapisCacheInTheAppsCacheFolder(@TempDir Path appCache) {
    Path model = WorldModel.extract();
    EmulatedAndroid phone = EmulatedAndroid.phone();
    BackendSelector selector = BackendSelector.of(List.of(new CpuBackendProvider(), on(phone)));
    LoadOptions options = new LoadOptions(Precision.INT8_A8, null, 1, false).withCacheFolder(appCache);
    try (LanguageModel lm = LanguageModel.load(model, options, selector)) {
      assertThat(lm.backendId()).isEqualTo("litert");
      lm.generate(PROMPT, GenerationOptions.greedy(2));
    }
    assertThat(phone.compiled()).isNotEmpty().containsOnly(Accelerator.NPU);
    assertThat(phone.cacheTokens()).isNotEmpty().allSatisfy(token -> assertThat(token).isNotNull()
        .satisfies(t -> assertThat(appCache.resolve("litert").resolve(t + ".tflite")).isRegularFile()));
    assertThat(Files.isDirectory(appCache.resolve("litert").resolve("accelerator"))).isTrue();
  }
}
