/** Model file formats. */
@NullMarked
package org.mobiedit.core.internal.format;

import org.jspecify.annotations.NullMarked;

