/**
 * The LiteRT backend: writes the model's graphs (described once, for every graph backend, by backend-graph's
 * {@code TransformerGraph}) as TFLite files from the loaded weights ({@code tflite/}), chooses the hardware that runs
 * them ({@code accelerator/}) and runs them on the TFLite/LiteRT runtime ({@code runtime/}): forward, capture, the
 * exact prefix cache with batched resume, rank-one updates as inputs, in fp32, int8 weights and static int8/int16
 * activations. docs/backend-litert.md has the design.
 */
@NullMarked
package org.mobiedit.backend.litert;

import org.jspecify.annotations.NullMarked;
