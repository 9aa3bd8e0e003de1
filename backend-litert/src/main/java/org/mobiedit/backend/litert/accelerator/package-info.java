/**
 * Which hardware runs the written graphs: the accelerators ({@code Accelerator}), what this device's runtime binding
 * reaches ({@code AcceleratorProbe}) and the choice between them ({@code AcceleratorSelection}). The files written are
 * the same for every accelerator; only the binding that compiles them differs (docs/backend-litert.md).
 */
@NullMarked
package org.mobiedit.backend.litert.accelerator;

import org.jspecify.annotations.NullMarked;
