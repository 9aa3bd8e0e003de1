/**
 * The LiteRT backend: writes the model's graphs as TFLite FlatBuffers from the loaded weights ({@code tflite/},
 * {@code graph/}) and runs them on the TFLite/LiteRT runtime ({@code runtime/}). This first slice runs the plain
 * forward in float32; the edit graphs (resume with injection, rank-one updates) and the int8 variants come next.
 */
@NullMarked
package org.mobiedit.backend.litert;

import org.jspecify.annotations.NullMarked;
