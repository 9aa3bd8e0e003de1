package org.mobiedit.api;

import org.jspecify.annotations.Nullable;

/**
 * The one exception the SDK throws. Unchecked, with a public {@link Reason} that callers can switch on and a
 * message that says what went wrong and what to do about it.
 *
 * <p>Bad input (a truncated model file, an empty prompt, an unknown backend id) is reported with this exception at
 * the boundary where it is detected, never as a stack trace from deep inside a kernel. A native or I/O failure is
 * kept as the {@link #getCause() cause}.
 *
 * <pre>{@code
 * try {
 *   model = Models.load(path);
 * } catch (MobiEditException e) {
 *   if (e.getReason() == MobiEditException.Reason.MODEL_CORRUPT) { ... ask the user to download it again ... }
 * }
 * }</pre>
 */
public class MobiEditException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an operation failed. Stable: new values may be added, existing ones keep their meaning. */
  public enum Reason {
    /** A model path does not exist or is not a model file or folder the SDK knows. */
    MODEL_NOT_FOUND,
    /** A model file is truncated, malformed or its checksum/structure is inconsistent. */
    MODEL_CORRUPT,
    /** The model is well formed but uses an architecture, tensor type or option the SDK does not support. */
    MODEL_UNSUPPORTED,
    /** The tensors disagree with the configuration (missing tensor, wrong shape). */
    MODEL_INCONSISTENT,
    /** No tokenizer could be found or loaded for the model. */
    TOKENIZER_MISSING,
    /** A tokenizer file is malformed. */
    TOKENIZER_CORRUPT,
    /** A request is invalid: empty text, subject not in prompt, NaN values, out-of-range options. */
    INVALID_REQUEST,
    /** A prompt (plus what would be generated) does not fit in the model's context. */
    CONTEXT_OVERFLOW,
    /** No backend could be selected, or the requested backend is unknown or unsupported on this device. */
    BACKEND_UNAVAILABLE,
    /** The backend lacks a capability the operation needs. */
    BACKEND_UNSUPPORTED_OPERATION,
    /** The backend failed while running (native error, out of memory). */
    BACKEND_FAILURE,
    /** The operation was cancelled by the caller. */
    CANCELLED,
    /** An edit could not be saved, loaded or applied (I/O, checksum, wrong model fingerprint). */
    EDIT_STORE,
    /** Reading or writing a file failed for a reason outside the SDK (permissions, disk full). */
    IO
  }

  private final Reason reason;

  public MobiEditException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public MobiEditException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The machine-readable reason; the message is for people. */
  public Reason getReason() {
    return reason;
  }
}
