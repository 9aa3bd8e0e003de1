/** The SDK's entry point for apps: {@link org.mobiedit.core.MobiEdit#open}. */
@NullMarked
package org.mobiedit.core;

import org.jspecify.annotations.NullMarked;
