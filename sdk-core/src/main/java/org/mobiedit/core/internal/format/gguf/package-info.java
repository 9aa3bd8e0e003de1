/** Model file formats. */
@NullMarked
package org.mobiedit.core.internal.format.gguf;

import org.jspecify.annotations.NullMarked;

