package org.mobiedit.core.fuzz;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Runs each task on a worker thread with a time bound. A task that does not finish in time is abandoned: its thread
 * is interrupted and, if it still runs after a grace period, stopped (a hung parser would otherwise keep one of the
 * machine's cores busy for the rest of the campaign), and the next task gets a fresh worker. Every throwable of a
 * task, errors included, is caught on the worker and handed back, so an OutOfMemoryError or a StackOverflowError
 * ends one input, not the run.
 */
final class BoundedRunner implements AutoCloseable {
  /** What one task does; it may throw anything. */
  interface Task {
    void run() throws Exception;
  }

  /**
   * How a task ended.
   *
   * @param error what it threw, or null if it returned; for a task that hung, what it ended with after the bound
   *     (before it was stopped), if it did
   * @param hung whether it was abandoned at the time bound
   * @param nanos how long it ran (the bound, if it hung)
   * @param hungAt where the worker was when it was abandoned (empty unless it hung)
   */
  record End(@Nullable Throwable error, boolean hung, long nanos, StackTraceElement[] hungAt) {}

  private static final StackTraceElement[] NOWHERE = new StackTraceElement[0];

  private static final long GRACE_MILLIS = 2_000;

  private final long timeoutNanos;
  private @Nullable ExecutorService worker;
  private @Nullable Thread thread;
  private int workers;
  private int stillRunning;

  BoundedRunner(long timeoutMillis) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
  }

  End run(Task task) {
    ExecutorService w = worker();
    long start = System.nanoTime();
    long deadline = start + timeoutNanos;
    Future<@Nullable Throwable> f = w.submit(() -> {
      try {
        task.run();
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
    while (true) {
      try {
        Throwable error = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return new End(error, false, System.nanoTime() - start, NOWHERE);
      } catch (TimeoutException e) {
        return abandoned(f, start);
      } catch (ExecutionException e) {
        return new End(e.getCause(), false, System.nanoTime() - start, NOWHERE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abandon();
        throw new IllegalStateException("the fuzz campaign was interrupted", e);
      } catch (OutOfMemoryError e) {
        // A worker that fills the heap makes this thread's small allocations fail too. That error is the worker's:
        // wait on (the worker's own error follows and frees the heap), or abandon it at the bound.
        if (System.nanoTime() - deadline >= 0) {
          return abandoned(f, start);
        }
        pause();
      }
    }
  }

  /**
   * Gives up a task at the bound: where its worker was, and what it ended with if it ended meanwhile (late, but
   * telling what it was doing), then the worker is stopped.
   */
  private End abandoned(Future<@Nullable Throwable> f, long start) {
    long elapsed = System.nanoTime() - start;
    Thread t = thread;
    StackTraceElement[] at = NOWHERE;
    Throwable late = null;
    try {
      at = t == null ? NOWHERE : t.getStackTrace();
      if (f.isDone()) {
        late = f.get();
      }
    } catch (OutOfMemoryError | ExecutionException | InterruptedException | RuntimeException e) {
      // without the details: the hang is recorded all the same
    }
    abandon();
    return new End(late, true, elapsed, at);
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Abandoned workers that did not end even when stopped (they are daemon threads). */
  int stillRunning() {
    return stillRunning;
  }

  private ExecutorService worker() {
    if (worker == null) {
      int n = ++workers;
      worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-worker-" + n);
        t.setDaemon(true);
        thread = t;
        return t;
      });
    }
    return worker;
  }

  private void abandon() {
    ExecutorService w = worker;
    Thread t = thread;
    worker = null;
    thread = null;
    if (w == null || t == null) {
      return;
    }
    t.interrupt();
    // the worker may still hold the heap: what fails for lack of memory here is retried while it ends
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        w.shutdownNow();
        t.join(GRACE_MILLIS);
        if (t.isAlive()) {
          stop(t);
          t.join(GRACE_MILLIS);
        }
        break;
      } catch (OutOfMemoryError e) {
        pause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (t.isAlive()) {
      stillRunning++;
    }
  }

  /** Thread.stop still works on JDK 17 (it is gone from JDK 20): the only way to end a thread in a CPU loop. */
  @SuppressWarnings({"deprecation", "removal"})
  private static void stop(Thread t) {
    try {
      t.stop();
    } catch (UnsupportedOperationException | SecurityException e) {
      // a newer JDK: the thread stays behind as a daemon
    }
  }

  @Override
  public void close() {
    ExecutorService w = worker;
    worker = null;
    thread = null;
    if (w != null) {
      w.shutdownNow();
    }
  }
}
