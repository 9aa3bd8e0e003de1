package org.mobiedit.core.fuzz;

/**
 * A stand-in campaign JVM for {@link FuzzHarnessTest}: five inputs of one target, all accepted, except that the
 * first JVM dies abruptly while running input 2 (as a JVM does when an OutOfMemoryError hits a thread other than
 * the worker).
 */
public final class CrashingChild {
  private CrashingChild() {}

  public static void main(String[] args) {
    Protocol p = new Protocol(System.out);
    long from = args.length > 1 ? Long.parseLong(args[1]) : 0;
    p.send("TARGET", "fake", 5, "seed");
    for (long i = from; i < 5; i++) {
      p.send("BEGIN", "fake", i);
      if (i == 2 && from == 0) {
        Runtime.getRuntime().halt(3);
      }
      p.send("RESULT", "fake", i, Verdict.OK, 1_000, 10, "", "#" + i, 1);
    }
    p.send("DONE", 1);
    System.exit(0);
  }
}
