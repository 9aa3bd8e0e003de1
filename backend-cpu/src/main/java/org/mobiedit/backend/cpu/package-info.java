/** The pure-Java reference backend. */
@NullMarked
package org.mobiedit.backend.cpu;

import org.jspecify.annotations.NullMarked;
