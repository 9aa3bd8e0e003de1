package org.mobiedit.backend.cpu.memory;

import java.util.Locale;
import java.util.function.LongSupplier;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.ModelSpec;

/**
 * Refuses, before any weight is copied, a model whose weights cannot fit in the Java heap that is still free, with
 * a message naming both figures and what to do, instead of an {@link OutOfMemoryError} halfway through the load.
 */
public final class HeapBudget {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  private final LongSupplier freeHeap;
  private final long maxHeap;
  private final boolean collectBeforeRefusing;

  private HeapBudget(LongSupplier freeHeap, long maxHeap, boolean collectBeforeRefusing) {
    this.freeHeap = freeHeap;
    this.maxHeap = maxHeap;
    this.collectBeforeRefusing = collectBeforeRefusing;
  }

  /** What this JVM can still allocate: {@code maxMemory - (totalMemory - freeMemory)}. */
  public static HeapBudget ofRuntime() {
    Runtime r = Runtime.getRuntime();
    return new HeapBudget(() -> r.maxMemory() - (r.totalMemory() - r.freeMemory()), r.maxMemory(), true);
  }

  /** Fixed figures, for tests. */
  public static HeapBudget of(long freeBytes, long maxBytes) {
    return new HeapBudget(() -> freeBytes, maxBytes, false);
  }

  /** Throws {@code BACKEND_FAILURE} when the weights of {@code spec} in {@code precision} do not fit. */
  public void check(ModelSpec spec, Precision precision) {
    long needed = WeightFootprint.bytes(spec, precision);
    long free = freeHeap.getAsLong();
    if (needed > free && collectBeforeRefusing) {
      // Garbage not yet collected counts as used: collect once rather than refuse a model that would fit.
      System.gc();
      free = freeHeap.getAsLong();
    }
    if (needed <= free) {
      return;
    }
    StringBuilder todo = new StringBuilder();
    if (!precision.quantizesWeights()) {
      todo.append("load it in int8 precision (its weights then need about ")
          .append(mibUp(WeightFootprint.bytes(spec, Precision.INT8))).append("), ");
    }
    long usedElsewhere = Math.max(0, maxHeap - free);
    long suggestedGib = needed >= Long.MAX_VALUE / 2 ? 0 : (needed + usedElsewhere + GIB - 1) / GIB + 1;
    todo.append("use a smaller model, or give the JVM a larger heap (-Xmx");
    if (suggestedGib > 0) {
      todo.append(", e.g. MOBIEDIT_JAVA_OPTS=-Xmx").append(suggestedGib).append("g for the mobiedit command");
    }
    todo.append("; android:largeHeap in an app)");
    throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
        "The model's weights need about " + mibUp(needed) + " of Java heap in " + precision.getId() + " on the CPU"
            + " backend, but only " + mibDown(free) + " of the " + mibDown(maxHeap) + " maximum heap are free. To"
            + " load it, "
            + todo + ".");
  }

  /** Whole MiB rounded up, so that a need is never understated. */
  private static String mibUp(long bytes) {
    return String.format(Locale.ROOT, "%,d MiB", bytes <= 0 ? 0 : bytes / MIB + (bytes % MIB == 0 ? 0 : 1));
  }

  /** Whole MiB rounded down, so that what is free is never overstated. */
  private static String mibDown(long bytes) {
    return String.format(Locale.ROOT, "%,d MiB", Math.max(0, bytes) / MIB);
  }
}
