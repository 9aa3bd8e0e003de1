/** Model file formats. */
@NullMarked
package org.mobiedit.core.internal.format.safetensors;

import org.jspecify.annotations.NullMarked;

