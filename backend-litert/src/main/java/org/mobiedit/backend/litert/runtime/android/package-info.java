/**
 * The binding to Google's TensorFlow Lite for Android: the official interpreter with its GPU and NNAPI delegates
 * ({@code OfficialInterpreter}, {@code OfficialRuntime}, the only classes that touch {@code org.tensorflow.lite}), what
 * the device offers ({@code AndroidDevice}, {@code AndroidAccelerators}) and the binding ({@code AndroidBinding}).
 * Compiled in {@code mvn verify}; not run here (docs/android.md).
 */
@NullMarked
package org.mobiedit.backend.litert.runtime.android;

import org.jspecify.annotations.NullMarked;
