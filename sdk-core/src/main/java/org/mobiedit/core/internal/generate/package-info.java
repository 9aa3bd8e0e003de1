/** Text generation over a backend model: greedy and seeded sampling with a key/value cache. */
@NullMarked
package org.mobiedit.core.internal.generate;

import org.jspecify.annotations.NullMarked;

