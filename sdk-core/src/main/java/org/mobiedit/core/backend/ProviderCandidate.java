package org.mobiedit.core.backend;

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
    String head = provider.id() + " (priority " + provider.priority() + ", " + provider.getClass().getName() + ")";
    if (!support.isSupported()) {
      return head + ": not supported: " + support.reason();
    }
    return head + ": supported" + (support.reason().isEmpty() ? "" : "; " + support.reason());
  }
}
