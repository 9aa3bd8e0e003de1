package org.mobiedit.core.fuzz;

/** How one input ended. Every kind but {@link #OK} and {@link #REJECTED} is a finding. */
enum Verdict {
  /** Accepted: the file loaded (and everything done with it worked). */
  OK,
  /** Refused with a {@code MobiEditException}: the expected end for a bad input. */
  REJECTED,
  /** Any other exception type escaped the SDK. */
  OTHER_EXCEPTION,
  OUT_OF_MEMORY,
  STACK_OVERFLOW,
  /** Not finished within the time bound. */
  HANG,
  /** {@code Editor.load} failed but the model's logits or its applied-edit list changed. */
  MODEL_CHANGED,
  /** {@code Editor.load} accepted a patch after which the model computes NaN or infinite logits. */
  NON_FINITE_AFTER_LOAD,
  /** Undoing the edits of an accepted patch did not give back the model's exact logits. */
  NOT_RESTORED_BY_UNDO,
  /** The JVM running the input died or stopped answering (it is replaced and the campaign goes on). */
  CRASH;

  boolean isFinding() {
    return this != OK && this != REJECTED;
  }
}
