/** Model file formats. */
@NullMarked
package org.mobiedit.core.format.safetensors;

import org.jspecify.annotations.NullMarked;
