/** Model file formats. */
@NullMarked
package org.mobiedit.core.format;

import org.jspecify.annotations.NullMarked;
