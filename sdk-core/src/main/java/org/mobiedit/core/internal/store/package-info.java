/** Saved edits: patch files bound to a model's fingerprint, written atomically, verified on load. */
@NullMarked
package org.mobiedit.core.internal.store;

import org.jspecify.annotations.NullMarked;

