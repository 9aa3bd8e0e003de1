/** Seeded random models with real shapes, for benchmarks. */
@NullMarked
package org.mobiedit.core.format.synthetic;

import org.jspecify.annotations.NullMarked;
