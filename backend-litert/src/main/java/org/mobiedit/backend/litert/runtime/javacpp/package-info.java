/**
 * The binding to the TFLite interpreter through JavaCPP's presets: the interpreter (C++ API, XNNPACK's operator
 * resolver), the native library probe, and what it reaches ({@code RuntimeAccelerators}: the CPU).
 */
@NullMarked
package org.mobiedit.backend.litert.runtime.javacpp;

import org.jspecify.annotations.NullMarked;
