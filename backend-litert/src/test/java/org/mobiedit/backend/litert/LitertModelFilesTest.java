package org.mobiedit.backend.litert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.TensorNames;
import org.mobiedit.world.WorldModel;

/**
 * backend-litert writes new graphs from the weights after loading, so it says that the model's files must stay
 * mapped, and the SDK keeps them; backend-cpu copies the weights, and the SDK unmaps its files.
 */
class LitertModelFilesTest {
  private static final Path WORLD = WorldModel.extract();

  @Test
  void aLitertModelKeepsItsFilesMappedAndReportsThem() {
    try (OpenModel files = ModelFiles.open(WORLD);
        BackendModel m = new LitertBackendProvider().create(new BackendConfig(1)).load(files, Precision.INT8)) {
      assertThat(m.keepsModelFilesMapped()).isTrue();
      assertThat(m.memory().mappedBytes()).isEqualTo(files.mappedBytes());
      assertThat(m.memory().weightBytes()).as("no graph is compiled yet").isZero();
      m.forward(new int[][] {{5, 6, 7}}, new int[][] {{2}});
      assertThat(m.memory().weightBytes()).isPositive();
    }
  }

  @Test
  void theSdkKeepsALitertModelsFilesMappedSoLaterGraphsCanStillBeWritten() {
    try (LanguageModel lm = LanguageModel.load(WORLD, Precision.FP32,
        new LitertBackendProvider().create(new BackendConfig(1)), "test")) {
      assertThat(lm.files().tensor(TensorNames.OUTPUT_NORM).readAll()).isNotEmpty();
      // a bucket no graph was written for yet: written now, from the mapped weights
      assertThat(lm.backendModel().forward(new int[][] {new int[20]}, new int[][] {{19}})[0][0])
          .hasSize(lm.spec().vocabSize());
    }
  }

  @Test
  void theSdkUnmapsTheFilesOfABackendThatCopiedTheWeights() {
    try (LanguageModel lm = LanguageModel.load(WORLD, Precision.FP32,
        new CpuBackendProvider().create(new BackendConfig(1)), "test")) {
      assertThat(lm.backendModel().keepsModelFilesMapped()).isFalse();
      assertThat(lm.backendModel().memory().mappedBytes()).isZero();
      assertThatThrownBy(() -> lm.files().tensor(TensorNames.OUTPUT_NORM).readAll())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("was released");
    }
  }
}
