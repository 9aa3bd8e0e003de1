/**
 * How written graphs reach a TFLite runtime: a {@code RuntimeBinding} per Java binding ({@code android/}: Google's
 * TensorFlow Lite for Android with its GPU and NNAPI delegates; {@code javacpp/}: the interpreter through JavaCPP, CPU
 * only), the choice between them ({@code RuntimeBindings}), and the buffers for a runtime that copies whole tensors
 * ({@code BufferedGraph} over a {@code TensorRunner}).
 */
@NullMarked
package org.mobiedit.backend.litert.runtime;

import org.jspecify.annotations.NullMarked;
