/** Model file formats. */
@NullMarked
package org.mobiedit.core.format.gguf;

import org.jspecify.annotations.NullMarked;
