/** The MobiEdit engine: forward-only value search, early stopping, exact prefix cache, rank-one write. */
@NullMarked
package org.mobiedit.core.internal.edit;

import org.jspecify.annotations.NullMarked;
