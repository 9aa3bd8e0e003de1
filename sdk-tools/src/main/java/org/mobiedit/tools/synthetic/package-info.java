/** Seeded random models with real shapes, for benchmarks. */
@NullMarked
package org.mobiedit.tools.synthetic;

import org.jspecify.annotations.NullMarked;

