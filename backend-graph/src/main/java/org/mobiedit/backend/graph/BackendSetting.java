package org.mobiedit.backend.graph;

import org.jspecify.annotations.Nullable;

/**
 * How the graph backends read a setting that overrides what the app configured: the system property, else the
 * environment variable. One rule for the accelerator, the runtime binding and the cache folders alike.
 */
public final class BackendSetting {
  private BackendSetting() {}

  /** The system property, else the environment variable, as written; null when neither is set or both are blank. */
  public static @Nullable String read(String property, String environment) {
    String v = System.getProperty(property);
    if (v == null || v.trim().isEmpty()) {
      v = System.getenv(environment);
    }
    return v == null || v.trim().isEmpty() ? null : v;
  }
}
