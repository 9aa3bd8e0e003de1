package org.mobiedit.backend.litert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.Precision;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.world.WorldModel;

/** The bound on compiled graphs' memory: graphs are evicted and compiled again, with the same results. */
class LitertGraphMemoryTest {
  @AfterEach
  void clearSetting() {
    System.clearProperty(TfliteCompiler.BUDGET_PROPERTY);
  }

  private static float[][] forward(BackendModel m, int length) {
    int[] row = new int[length];
    int[] positions = new int[length];
    for (int i = 0; i < length; i++) {
      row[i] = 5 + i;
      positions[i] = i;
    }
    return m.forward(new int[][] {row}, new int[][] {positions})[0];
  }

  @Test
  void aTightBoundKeepsOneGraphAndRecompilesEvictedOnesToTheSameLogits() {
    try (OpenModel weights = ModelFiles.open(WorldModel.extract());
        Backend backend = new LitertBackendProvider().create(new BackendConfig(1))) {
      BackendModel free = backend.load(weights, Precision.FP32);
      // shapes bucket to 8, 16 and 32 positions: three graphs
      float[][][] expected = {forward(free, 6), forward(free, 12), forward(free, 20)};
      long oneGraph = free.memory().weightBytes() / 3;
      assertThat(oneGraph).isPositive();

      System.setProperty(TfliteCompiler.BUDGET_PROPERTY, "1");
      BackendModel tight = backend.load(weights, Precision.FP32);
      for (int round = 0; round < 3; round++) {
        assertThat(forward(tight, 6)).isDeepEqualTo(expected[0]);
        assertThat(forward(tight, 12)).isDeepEqualTo(expected[1]);
        assertThat(forward(tight, 20)).isDeepEqualTo(expected[2]);
        assertThat(tight.memory().weightBytes()).as("only the graph just used is kept").isLessThan(2 * oneGraph);
      }
    }
  }

  @Test
  void anInvalidBoundIsRefusedNamingTheSetting() throws Exception {
    System.setProperty(TfliteCompiler.BUDGET_PROPERTY, "lots");
    try (OpenModel weights = ModelFiles.open(WorldModel.extract());
        Backend backend = new LitertBackendProvider().create(new BackendConfig(1))) {
      assertThatThrownBy(() -> backend.load(weights, Precision.FP32))
          .hasMessageContaining("mobiedit.litert.graphMemoryMiB must be a positive number of MiB, not 'lots'");
    }
  }
}
