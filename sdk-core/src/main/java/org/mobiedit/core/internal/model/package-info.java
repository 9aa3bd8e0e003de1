/** A model ready to use: files, tokenizer and backend together; process memory readings. */
@NullMarked
package org.mobiedit.core.internal.model;

import org.jspecify.annotations.NullMarked;

