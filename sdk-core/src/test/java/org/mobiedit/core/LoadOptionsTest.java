package org.mobiedit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.api.Precision;

/** Load options out of range are an INVALID_REQUEST that says what is valid, not an IllegalArgumentException. */
class LoadOptionsTest {
  @Test
  void negativeOrAbsurdThreadCountsAreInvalidRequests() {
    for (int threads : new int[] {-1, Integer.MIN_VALUE, LoadOptions.MAX_THREADS + 1, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> LoadOptions.defaults().withThreads(threads))
          .isInstanceOfSatisfying(MobiEditException.class, e -> {
            assertThat(e.getReason()).isEqualTo(Reason.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("threads is " + threads, "give 0");
          });
    }
    assertThat(LoadOptions.defaults().withThreads(LoadOptions.MAX_THREADS).threads())
        .isEqualTo(LoadOptions.MAX_THREADS);
  }

  @Test
  void aMissingPrecisionIsAnInvalidRequest() {
    assertThatThrownBy(() -> LoadOptions.defaults().withPrecision(null))
        .isInstanceOfSatisfying(MobiEditException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_REQUEST));
    assertThat(LoadOptions.defaults().withPrecision(Precision.INT8).precision()).isEqualTo(Precision.INT8);
  }

  @org.junit.jupiter.api.Test
  void theAcceleratorAndCacheFolderReachTheBackendsConfig() {
    java.nio.file.Path cache = java.nio.file.Paths.get("/data/user/0/com.example/cache");
    LoadOptions o = LoadOptions.defaults().withThreads(2)
        .withAccelerator(org.mobiedit.api.AcceleratorPreference.NPU).withCacheFolder(cache);
    org.mobiedit.spi.BackendConfig c = o.backendConfig();
    org.assertj.core.api.Assertions.assertThat(c.threads()).isEqualTo(2);
    org.assertj.core.api.Assertions.assertThat(c.accelerator()).isEqualTo(org.mobiedit.api.AcceleratorPreference.NPU);
    org.assertj.core.api.Assertions.assertThat(c.cacheFolder()).isEqualTo(cache);
    org.assertj.core.api.Assertions.assertThat(LoadOptions.defaults().backendConfig().accelerator())
        .isEqualTo(org.mobiedit.api.AcceleratorPreference.AUTO);
    org.assertj.core.api.Assertions.assertThat(o.withPrecision(org.mobiedit.api.Precision.INT8).cacheFolder())
        .isEqualTo(cache);
  }
}
