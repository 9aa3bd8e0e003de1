package org.mobiedit.backend.graph.placement;

import org.jspecify.annotations.Nullable;

/**
 * Whether a runtime can reach a piece of hardware on this device. Separate from {@link HardwareSelection} so the
 * selection can be tested with any device's answers.
 */
@FunctionalInterface
public interface HardwareProbe<H extends Hardware> {
  /** Null when {@code hardware} can be used here; otherwise why not, in words for the user. */
  @Nullable String unavailable(H hardware);
}
