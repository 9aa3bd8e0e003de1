package org.mobiedit.backend.litert.accelerator;

import org.mobiedit.backend.graph.placement.HardwareProbe;

/** Whether the runtime binding can reach an accelerator on this device ({@link HardwareProbe} for LiteRT). */
@FunctionalInterface
public interface AcceleratorProbe extends HardwareProbe<Accelerator> {}
