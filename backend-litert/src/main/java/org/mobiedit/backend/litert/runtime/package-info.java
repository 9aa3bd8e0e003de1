/**
 * The binding to the TFLite/LiteRT runtime through JavaCPP's presets: the interpreter (C++ API, XNNPACK's operator
 * resolver), the native library probe, and what this binding reaches ({@code RuntimeAccelerators}).
 */
@NullMarked
package org.mobiedit.backend.litert.runtime;

import org.jspecify.annotations.NullMarked;
