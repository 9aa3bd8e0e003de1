/**
 * The pure-Java reference backend, as the SDK sees it: {@link org.mobiedit.backend.cpu.CpuBackendProvider} (found by
 * {@link java.util.ServiceLoader}), {@link org.mobiedit.backend.cpu.CpuBackend}, and the SPI's model, sequence and
 * prefix state, which check every input and then hand the numbers to the sub-packages: {@code model} (the forward
 * pass and its state), {@code kernel} (weight storage, dot products, threads), {@code quant} (static activation
 * quantization) and {@code memory} (the heap budget). Those packages are public only so that this one can reach
 * them; they are not an API and change without notice. The numerics every backend shares come from
 * {@link org.mobiedit.spi.numerics}.
 */
@NullMarked
package org.mobiedit.backend.cpu;

import org.jspecify.annotations.NullMarked;

