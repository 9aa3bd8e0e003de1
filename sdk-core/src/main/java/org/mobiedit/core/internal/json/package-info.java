/** Strict JSON reading for model and tokenizer files. */
@NullMarked
package org.mobiedit.core.internal.json;

import org.jspecify.annotations.NullMarked;

