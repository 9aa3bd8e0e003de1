/**
 * A TFLite model writer in plain Java: {@link org.mobiedit.backend.litert.tflite.TfliteWriter} encodes a
 * {@link org.mobiedit.backend.graph.Graph} as a TFLite FlatBuffer (schema version 3) with the constants' data after it
 * ({@link org.mobiedit.backend.litert.tflite.TfliteFile}). The table layouts follow the public TFLite schema; nothing
 * is generated from copied files.
 */
@NullMarked
package org.mobiedit.backend.litert.tflite;

import org.jspecify.annotations.NullMarked;
