package org.mobiedit.core.internal.edit;

import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.Capability;

/**
 * What the backend behind an edit claims ({@link org.mobiedit.spi.Backend#capabilities()}), checked before the
 * engine calls one of the SPI's optional operations, so that a backend without one is refused before any work with
 * a message naming the capability and the backend, instead of failing half-way through an edit.
 *
 * <p>An edit needs all three editing capabilities: {@link Capability#LAYER_CAPTURE} for the key and the hidden
 * state, {@link Capability#RESUME_WITH_INJECTION} for every forward pass of the value search (with the prefix cache
 * or without it: both paths are the same capability, so there is nothing to fall back to), and
 * {@link Capability#RANK_ONE_UPDATE} for the success checks and the write.
 */
final class BackendCapabilities {
  private static final Set<Capability> OF_AN_EDIT =
      EnumSet.of(Capability.LAYER_CAPTURE, Capability.RESUME_WITH_INJECTION, Capability.RANK_ONE_UPDATE);

  /** Null when not known (a bare backend model): nothing is checked up front. */
  private final @Nullable Set<Capability> claimed;
  private final String backendId;

  private BackendCapabilities(@Nullable Set<Capability> claimed, String backendId) {
    this.claimed = claimed == null ? null : Set.copyOf(claimed);
    this.backendId = backendId;
  }

  /** What backend {@code backendId} claims. */
  static BackendCapabilities of(String backendId, Set<Capability> claimed) {
    return new BackendCapabilities(claimed, backendId);
  }

  /**
   * For a backend model handed over without its backend (tools and tests): nothing is checked up front, and an
   * operation the backend lacks fails when it is called, with the SPI's own {@code BACKEND_UNSUPPORTED_OPERATION}.
   */
  static BackendCapabilities unknown() {
    return new BackendCapabilities(null, "(unknown)");
  }

  /** Refuses an edit on a backend that lacks one of the capabilities an edit needs. */
  void requireForEdit() {
    for (Capability c : OF_AN_EDIT) {
      require(c, "an edit");
    }
  }

  /**
   * Refuses {@code work} on a backend that does not claim {@code capability}.
   *
   * @throws MobiEditException {@code BACKEND_UNSUPPORTED_OPERATION}, naming the capability and the backend
   */
  void require(Capability capability, String work) {
    if (claimed != null && !claimed.contains(capability)) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION,
          "Backend '" + backendId + "' does not claim " + capability + " (" + purpose(capability) + "), which "
              + work + " needs; nothing was run. Choose a backend that claims it (backend-cpu offers every"
              + " capability).");
    }
  }

  private static String purpose(Capability c) {
    return switch (c) {
      case LAYER_CAPTURE -> "reading a layer's MLP key and output";
      case RESUME_WITH_INJECTION -> "forward passes with a correction added at the edited layer";
      case RANK_ONE_UPDATE -> "rank-one updates of W_down";
      default -> c.name();
    };
  }
}
