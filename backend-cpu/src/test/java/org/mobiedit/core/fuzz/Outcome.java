package org.mobiedit.core.fuzz;

import org.mobiedit.api.MobiEditException;

/**
 * How one input ended, classified: its verdict, the signature that groups findings (the exception type and the first
 * SDK frame it passed, or the reason of a refusal), a one-line message and the top frames.
 */
record Outcome(Verdict verdict, String signature, String message, String frames) {

  static Outcome of(BoundedRunner.End end) {
    Verdict v = verdict(end);
    return new Outcome(v, signature(v, end), message(v, end), frames(end));
  }

  private static Verdict verdict(BoundedRunner.End end) {
    Throwable e = end.error();
    if (end.hung()) {
      return Verdict.HANG;
    }
    if (e == null) {
      return Verdict.OK;
    }
    if (e instanceof OracleViolation o) {
      return o.verdict();
    }
    if (e instanceof MobiEditException) {
      return Verdict.REJECTED;
    }
    if (e instanceof OutOfMemoryError) {
      return Verdict.OUT_OF_MEMORY;
    }
    if (e instanceof StackOverflowError) {
      return Verdict.STACK_OVERFLOW;
    }
    return Verdict.OTHER_EXCEPTION;
  }

  private static String signature(Verdict v, BoundedRunner.End end) {
    Throwable e = end.error();
    switch (v) {
      case OK:
      case NON_FINITE_AFTER_LOAD:
      case NOT_RESTORED_BY_UNDO:
        return "";
      case REJECTED:
        return ((MobiEditException) e).getReason().name();
      case HANG:
        return e == null ? "at " + sdkFrame(end.hungAt())
            : "at " + sdkFrame(e.getStackTrace()) + ", ended after the bound with " + e.getClass().getSimpleName();
      case MODEL_CHANGED: {
        Throwable c = e.getCause();
        return "after " + (c instanceof MobiEditException m ? "MobiEditException " + m.getReason()
            : c == null ? "?" : c.getClass().getSimpleName() + " at " + sdkFrame(c.getStackTrace()));
      }
      case STACK_OVERFLOW:
        return "StackOverflowError " + recursion(e.getStackTrace());
      case OUT_OF_MEMORY:
        // "Java heap space" or "Requested array size exceeds VM limit" (the JVM may give it no stack trace)
        return "OutOfMemoryError (" + e.getMessage() + ") at " + sdkFrame(e.getStackTrace());
      default:
        return e.getClass().getSimpleName() + " at " + sdkFrame(e.getStackTrace());
    }
  }

  /**
   * Where a stack overflowed: the method that recurs most in the trace, and the first SDK frame below the recursion
   * (the SDK code that entered it, e.g. a config reader calling a JSON library's recursive accessor). Needs the
   * whole trace: the campaign JVM runs with a deep {@code MaxJavaStackTraceDepth}.
   */
  static String recursion(StackTraceElement[] st) {
    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    String recurring = "?";
    int most = 0;
    for (StackTraceElement f : st) {
      String m = method(f);
      int n = counts.merge(m, 1, Integer::sum);
      if (n > most) {
        most = n;
        recurring = m;
      }
    }
    int last = -1;
    for (int i = 0; i < st.length; i++) {
      if (method(st[i]).equals(recurring)) {
        last = i;
      }
    }
    StackTraceElement[] below = java.util.Arrays.copyOfRange(st, last + 1, st.length);
    return "in recursion of " + recurring + ", entered from " + sdkFrame(below);
  }

  private static String method(StackTraceElement f) {
    return f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName();
  }

  /** The first frame in the SDK (not in the fuzzer, the JDK or a library), else the first frame. */
  static String sdkFrame(StackTraceElement[] st) {
    for (StackTraceElement f : st) {
      if (f.getClassName().startsWith("org.mobiedit.") && !f.getClassName().startsWith("org.mobiedit.core.fuzz.")) {
        return shortFrame(f);
      }
    }
    return st.length == 0 ? "?" : shortFrame(st[0]) + " (no SDK frame)";
  }

  private static String shortFrame(StackTraceElement f) {
    String cls = f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1);
    return cls + "." + f.getMethodName() + ":" + f.getLineNumber();
  }

  private static String message(Verdict v, BoundedRunner.End end) {
    Throwable e = end.error();
    if (v == Verdict.HANG) {
      return e == null ? "no end within the time bound; the worker was at " + sdkFrame(end.hungAt())
          : "no end within the time bound; it ended later with " + e;
    }
    return e == null ? "accepted" : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static String frames(BoundedRunner.End end) {
    StackTraceElement[] st = end.error() != null ? end.error().getStackTrace() : end.hungAt();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, st.length); i++) {
      sb.append(i == 0 ? "" : " < ").append(shortFrame(st[i]));
    }
    return sb.toString();
  }
}
