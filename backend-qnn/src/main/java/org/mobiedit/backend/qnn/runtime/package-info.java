/**
 * ONNX Runtime as backend-qnn uses it: sessions of written graphs with their inputs and outputs in direct buffers
 * ({@link org.mobiedit.backend.qnn.runtime.OrtGraph}), the model's weights once for all sessions ({@link
 * org.mobiedit.backend.qnn.runtime.SharedWeights}), and what the runtime offers here ({@link
 * org.mobiedit.backend.qnn.runtime.OrtRuntime}).
 */
@NullMarked
package org.mobiedit.backend.qnn.runtime;

import org.jspecify.annotations.NullMarked;
