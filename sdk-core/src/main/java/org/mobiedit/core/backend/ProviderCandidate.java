package org.mobiedit.core.backend;

import org.jspecify.annotations.Nullable;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;

/**
 * A provider found by discovery, with what it said about this device.
 *
 * @param provider the provider instance
 * @param support its answer to {@link BackendProvider#support()} (or the reason it could not be asked)
 */
public record ProviderCandidate(BackendProvider provider, Support support) {

  public String id() {
    return provider.id();
  }

  public boolean usable() {
    return support.isSupported();
  }

  /** A one-line description for listings. */
  public String describe() {
    @Nullable String why = support.isSupported() ? null : support.reason();
    return provider.id() + " (priority " + provider.priority() + ", " + provider.getClass().getName() + ")"
        + (why == null ? ": supported" : ": not supported: " + why);
  }
}
