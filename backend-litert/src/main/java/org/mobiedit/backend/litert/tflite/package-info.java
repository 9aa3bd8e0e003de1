/**
 * A TFLite model writer in plain Java: {@link org.mobiedit.backend.litert.tflite.TfliteGraph} collects tensors and
 * operators, {@link org.mobiedit.backend.litert.tflite.TfliteWriter} encodes them as a TFLite FlatBuffer (schema
 * version 3). The table layouts follow the public TFLite schema; nothing is generated from copied files.
 */
@NullMarked
package org.mobiedit.backend.litert.tflite;

import org.jspecify.annotations.NullMarked;
