/** A model ready to use: files, tokenizer and backend together; process memory readings. */
@NullMarked
package org.mobiedit.core.model;

import org.jspecify.annotations.NullMarked;
