/**
 * The API compatibility check: a library's public API as a signature file ({@code ApiSignature}) and what a new version
 * breaks of a released one ({@code ApiCompatibility}). sdk-api's files are in {@code sdk-api/api/}.
 */
@NullMarked
package org.mobiedit.tools.api;

import org.jspecify.annotations.NullMarked;
