/**
 * What the SDK keeps on disk for a model, bound to its fingerprint, written atomically, verified on load: saved edits
 * (patch files) and prepared key statistics.
 */
@NullMarked
package org.mobiedit.core.internal.store;

import org.jspecify.annotations.NullMarked;

