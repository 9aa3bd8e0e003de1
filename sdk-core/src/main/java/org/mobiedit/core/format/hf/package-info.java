/** Model file formats. */
@NullMarked
package org.mobiedit.core.format.hf;

import org.jspecify.annotations.NullMarked;
