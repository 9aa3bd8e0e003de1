/**
 * What apps call: the editor, its requests and results, options and the SDK's exception.
 *
 * <p>Everything in this package is null-marked: parameters and results are non-null unless annotated
 * {@code @Nullable}.
 */
@NullMarked
package org.mobiedit.api;

import org.jspecify.annotations.NullMarked;
