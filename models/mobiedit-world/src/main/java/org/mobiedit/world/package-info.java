/** The demo model packaged as a jar: {@link org.mobiedit.world.WorldModel}. */
@NullMarked
package org.mobiedit.world;

import org.jspecify.annotations.NullMarked;
