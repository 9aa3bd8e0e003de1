package org.mobiedit.core.internal.json;

import org.mobiedit.api.MobiEditException;

/**
 * Where JSON (or other text) being checked comes from, and how its problems are reported: every problem becomes a
 * {@link MobiEditException} with {@code reason}, a message starting with {@code name} and ending with {@code remedy}.
 *
 * @param name the file, as the user should see it in a message (a path, or a path and the part of the file)
 * @param reason {@code MODEL_CORRUPT} for model files, {@code TOKENIZER_CORRUPT} for tokenizer files, ...
 * @param remedy what the user should do, one sentence, e.g. "Restore the model's original config.json."
 */
public record JsonSource(String name, MobiEditException.Reason reason, String remedy) {
  /** The exception for a problem; {@code what} says what is wrong, without a final period. */
  public MobiEditException problem(String what) {
    return new MobiEditException(reason, name + ": " + what + ". " + remedy);
  }
}
