/** Backend discovery and selection through {@link java.util.ServiceLoader}, with stable diagnostics. */
@NullMarked
package org.mobiedit.core.backend;

import org.jspecify.annotations.NullMarked;
