package org.mobiedit.core.fuzz;

/**
 * Thrown by a target when the SDK did not throw but broke a promise the target checks (for example a failed
 * {@code Editor.load} that changed the model). Test-side only: the SDK never sees it.
 */
final class OracleViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Verdict verdict;

  OracleViolation(Verdict verdict, String message, Throwable cause) {
    super(message, cause);
    this.verdict = verdict;
  }

  Verdict verdict() {
    return verdict;
  }
}
