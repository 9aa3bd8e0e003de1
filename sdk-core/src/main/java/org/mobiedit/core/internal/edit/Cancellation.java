package org.mobiedit.core.internal.edit;

import java.util.function.BooleanSupplier;
import org.mobiedit.api.MobiEditException;

/** The caller's cancellation of an edit, checked between the edit's steps (never inside a backend call). */
record Cancellation(BooleanSupplier cancelled) {
  /** @throws MobiEditException {@code CANCELLED} when the caller cancelled, saying how many steps had run */
  void check(int steps) {
    if (cancelled.getAsBoolean()) {
      throw new MobiEditException(MobiEditException.Reason.CANCELLED,
          "The edit was cancelled after " + steps + " steps; the model is unchanged.");
    }
  }
}
