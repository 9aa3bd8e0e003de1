/**
 * Where a graph backend runs its graphs: the hardware it can reach ({@link
 * org.mobiedit.backend.graph.placement.Hardware}), what this device offers ({@link
 * org.mobiedit.backend.graph.placement.HardwareProbe}) and the one rule that picks among them ({@link
 * org.mobiedit.backend.graph.placement.HardwareSelection}): backend-litert's accelerators, backend-qnn's execution
 * providers.
 */
@NullMarked
package org.mobiedit.backend.graph.placement;

import org.jspecify.annotations.NullMarked;
