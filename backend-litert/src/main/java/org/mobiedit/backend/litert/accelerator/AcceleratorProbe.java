package org.mobiedit.backend.litert.accelerator;

import org.jspecify.annotations.Nullable;

/**
 * Whether the runtime binding can reach an accelerator on this device. Separate from {@link AcceleratorSelection} so
 * the selection can be tested with any device's answers.
 */
@FunctionalInterface
public interface AcceleratorProbe {
  /** Null when {@code accelerator} can be used here; otherwise why not, in words for the user. */
  @Nullable String unavailable(Accelerator accelerator);
}
