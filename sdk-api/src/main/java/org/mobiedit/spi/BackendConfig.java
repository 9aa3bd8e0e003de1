package org.mobiedit.spi;

/**
 * Settings for creating a backend.
 *
 * @param threads how many threads the backend may use for its kernels ({@code >= 1})
 */
public record BackendConfig(int threads) {

  public BackendConfig {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
  }

  /** One thread per available processor. */
  public static BackendConfig defaults() {
    return new BackendConfig(Runtime.getRuntime().availableProcessors());
  }
}
