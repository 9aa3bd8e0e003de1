/**
 * The QNN backend: writes the model's graphs (described once, for every graph backend, by backend-graph's
 * {@code TransformerGraph}) as ONNX models ({@code onnx/}), chooses the execution provider that runs them
 * ({@code provider/}) and runs them on ONNX Runtime ({@code runtime/}) with one copy of the weights shared by every
 * session. docs/backend-qnn.md has the design and what was and was not run here.
 */
@NullMarked
package org.mobiedit.backend.qnn;

import org.jspecify.annotations.NullMarked;
