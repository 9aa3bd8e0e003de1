/** Model file formats. */
@NullMarked
package org.mobiedit.core.internal.format.hf;

import org.jspecify.annotations.NullMarked;

