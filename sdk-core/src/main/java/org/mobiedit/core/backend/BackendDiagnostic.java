package org.mobiedit.core.backend;

/**
 * One thing backend discovery noticed, with a stable code so that support requests and tests can refer to it.
 *
 * @param code stable identifier, see {@link Code}
 * @param providerId the provider concerned, or {@code "-"} when none
 * @param message what happened and what to do
 */
public record BackendDiagnostic(Code code, String providerId, String message) {

  /** Stable diagnostic codes. Their meaning never changes; new ones may be added. */
  public enum Code {
    /** MOBIEDIT-B001: no provider is on the class path at all. */
    NO_PROVIDERS("MOBIEDIT-B001"),
    /** MOBIEDIT-B002: a provider could not be instantiated (its class is missing or its constructor threw). */
    PROVIDER_BROKEN("MOBIEDIT-B002"),
    /** MOBIEDIT-B003: a provider reports that it cannot run on this device. */
    PROVIDER_UNSUPPORTED("MOBIEDIT-B003"),
    /** MOBIEDIT-B004: a provider was built against another SPI version. */
    SPI_VERSION_MISMATCH("MOBIEDIT-B004"),
    /** MOBIEDIT-B005: two providers claim the same id; the first one found is kept. */
    DUPLICATE_ID("MOBIEDIT-B005"),
    /** MOBIEDIT-B006: the backend id requested by property or environment is unknown. */
    UNKNOWN_ID("MOBIEDIT-B006"),
    /** MOBIEDIT-B007: the requested backend exists but cannot run here. */
    REQUESTED_UNSUPPORTED("MOBIEDIT-B007"),
    /** MOBIEDIT-B008: no provider is usable on this device. */
    NONE_USABLE("MOBIEDIT-B008"),
    /** MOBIEDIT-B009: a provider's support probe threw instead of answering. */
    SUPPORT_PROBE_FAILED("MOBIEDIT-B009");

    private final String id;

    Code(String id) {
      this.id = id;
    }

    /** The printed form, e.g. {@code MOBIEDIT-B002}. */
    public String id() {
      return id;
    }
  }

  @Override
  public String toString() {
    return code.id() + " [" + providerId + "] " + message;
  }
}
