package org.mobiedit.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * What the command line prints when it is stopped by Ctrl-C (or another terminating signal): the JVM then runs its
 * shutdown hooks and exits with 128 + the signal number (130 for Ctrl-C). A command that can say more (how far it
 * got, how to resume) sets its own message; the hook prints nothing when the command ended by itself.
 */
final class InterruptNotice {
  private final PrintWriter err;
  private volatile Supplier<String> message = () -> "interrupted.";
  private volatile boolean finished;

  InterruptNotice(PrintWriter err) {
    this.err = err;
  }

  /** The message to print if the process is stopped from now on (computed when it is printed). */
  void onInterrupt(Supplier<String> message) {
    this.message = message;
  }

  /** The command ended by itself: stopping now is an ordinary exit, not an interruption. */
  void finished() {
    finished = true;
  }

  /** Prints the message unless the command had finished; what the shutdown hook runs. */
  void printIfInterrupted() {
    if (finished) {
      return;
    }
    String text;
    try {
      text = message.get();
    } catch (RuntimeException e) {
      text = "interrupted.";
    }
    err.println(); // a progress bar may hold the line
    err.println(text);
    err.flush();
  }

  /** A shutdown hook that prints the message (register it with {@link Runtime#addShutdownHook}). */
  Thread hook() {
    return new Thread(this::printIfInterrupted, "mobiedit-interrupt-notice");
  }
}
