/**
 * The numerics every backend must compute identically, written once: the symmetric integer grids
 * ({@link org.mobiedit.spi.numerics.SymmetricGrid}), per-output-channel int8 weight quantization
 * ({@link org.mobiedit.spi.numerics.WeightQuantizer}), 4-bit block weights
 * ({@link org.mobiedit.spi.numerics.FourBitBlocks}, with {@link org.mobiedit.spi.numerics.HalfFloat}), the points
 * and calibration rule of static activation quantization ({@link org.mobiedit.spi.numerics.ActivationPoint},
 * {@link org.mobiedit.spi.numerics.ActivationScales}) and the rotary tables in both layouts
 * ({@link org.mobiedit.spi.numerics.RotaryTables}).
 *
 * <p>A backend that quantizes or rotates with these classes holds the same int8 and 4-bit weights, the same
 * activation scales and the same rotary angles as backend-cpu, bit for bit, so the compatibility kit's comparisons
 * against backend-cpu measure only the backend's own arithmetic. The classes are pure functions or immutable values
 * (one mutable accumulator, {@link org.mobiedit.spi.numerics.ActivationScales.Calibration}, confined to its caller),
 * use plain Java only, and are safe from any thread.
 *
 * <p>Everything in this package is null-marked.
 */
@NullMarked
package org.mobiedit.spi.numerics;

import org.jspecify.annotations.NullMarked;

