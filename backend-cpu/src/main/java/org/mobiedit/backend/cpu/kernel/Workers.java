package org.mobiedit.backend.cpu.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.mobiedit.api.MobiEditException;

/**
 * The backend's kernel threads. {@link #forEachRange} splits an index range into one contiguous block per thread;
 * the calling thread works on the first block itself. Which thread computes an index depends only on the range and
 * the thread count, and every output element is computed by exactly one thread, so results do not depend on timing.
 */
public final class Workers implements AutoCloseable {
  /** Work on indexes {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  private final int threads;
  private final ExecutorService pool;

  /** {@code threads - 1} daemon threads; the caller of {@link #forEachRange} is the last one. */
  public Workers(int threads) {
    this.threads = threads;
    AtomicInteger n = new AtomicInteger();
    this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "mobiedit-cpu-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  int threads() {
    return threads;
  }

  /** Runs {@code body} over {@code [0, n)} split into blocks; blocks smaller than {@code minBlock} are merged. */
  public void forEachRange(int n, int minBlock, RangeBody body) {
    int parts = Math.min(threads, Math.max(1, n / Math.max(1, minBlock)));
    if (parts <= 1 || pool == null) {
      body.run(0, n);
      return;
    }
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[parts - 1];
    for (int p = 1; p < parts; p++) {
      int from = (int) ((long) n * p / parts);
      int to = (int) ((long) n * (p + 1) / parts);
      futures[p - 1] = pool.submit(() -> body.run(from, to));
    }
    body.run(0, (int) ((long) n / parts));
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MobiEditException(MobiEditException.Reason.CANCELLED, "Interrupted while computing.", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException) {
          throw (RuntimeException) c;
        }
        if (c instanceof Error) {
          throw (Error) c;
        }
        throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE, "Kernel failed: " + c, c);
      }
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
