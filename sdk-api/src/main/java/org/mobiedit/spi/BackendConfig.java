package org.mobiedit.spi;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.AcceleratorPreference;

/**
 * Settings for creating a backend.
 *
 * @param threads how many threads the backend may use for its kernels ({@code >= 1})
 * @param accelerator the hardware a hardware backend should use ({@link AcceleratorPreference#AUTO}: its choice)
 * @param cacheFolder where a backend may keep what it compiles across runs (graphs, NPU context binaries), in the
 *     app's cache folder; null: the backend's own setting, else nothing kept
 */
public record BackendConfig(int threads, AcceleratorPreference accelerator, @Nullable Path cacheFolder) {

  public BackendConfig {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (accelerator == null) {
      throw new IllegalArgumentException("give an accelerator preference (AUTO to let the backend choose)");
    }
  }

  /** {@code threads} kernel threads, the backend's choice of hardware, no cache folder. */
  public BackendConfig(int threads) {
    this(threads, AcceleratorPreference.AUTO, null);
  }

  /** One thread per available processor. */
  public static BackendConfig defaults() {
    return new BackendConfig(Runtime.getRuntime().availableProcessors());
  }
}
