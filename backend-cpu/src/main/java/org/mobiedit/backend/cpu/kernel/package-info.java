/**
 * The CPU backend's inner loops and their storage: weight matrices in float32 ({@link
 * org.mobiedit.backend.cpu.kernel.FloatMatrix}) or per-channel int8 ({@link
 * org.mobiedit.backend.cpu.kernel.Int8Matrix}), the dot products every product goes through ({@link
 * org.mobiedit.backend.cpu.kernel.DotProduct}: a scalar reference and a Vector API kernel, chosen by {@link
 * org.mobiedit.backend.cpu.kernel.DotProducts}), and the worker threads that split rows and heads into fixed blocks
 * ({@link org.mobiedit.backend.cpu.kernel.Workers}). Internal to backend-cpu.
 */
@NullMarked
package org.mobiedit.backend.cpu.kernel;

import org.jspecify.annotations.NullMarked;

