/** The binding to the TFLite/LiteRT runtime (its C API, through JavaCPP's presets). */
@NullMarked
package org.mobiedit.backend.litert.runtime;

import org.jspecify.annotations.NullMarked;
