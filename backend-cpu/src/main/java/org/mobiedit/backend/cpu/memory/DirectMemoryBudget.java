package org.mobiedit.backend.cpu.memory;

import org.codehaus.mojo.animal_sniffer.IgnoreJRERequirement;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;

/**
 * Refuses, before any weight is copied, a model whose weights cannot fit in the direct memory the JVM still allows,
 * with a message naming both figures and what to do, instead of an {@link OutOfMemoryError} halfway through the load.
 * The weights live in direct buffers ({@link DirectRows}); a desktop JVM caps those at {@code -XX:MaxDirectMemorySize},
 * which defaults to the maximum heap. Where the JVM has no such cap or does not report it (Android), the budget is
 * unbounded and the operating system has the last word.
 */
public final class DirectMemoryBudget {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  private final LongSupplier free;
  private final long max;

  private DirectMemoryBudget(LongSupplier free, long max) {
    this.free = free;
    this.max = max;
  }

  /**
   * What this JVM still allows: its direct-memory cap minus the direct buffers in use. Where the JVM has no
   * {@code java.lang.management} (Android) the classes are missing, the error is caught, and the budget is unbounded.
   */
  @IgnoreJRERequirement
  public static DirectMemoryBudget ofRuntime() {
    try {
      long max = maxDirectMemory();
      BufferPoolMXBean direct = null;
      for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        if (pool.getName().equals("direct")) {
          direct = pool;
        }
      }
      if (max <= 0 || direct == null) {
        return unbounded();
      }
      BufferPoolMXBean pool = direct;
      return new DirectMemoryBudget(() -> max - used(pool), max);
    } catch (LinkageError | RuntimeException e) {
      return unbounded(); // no java.lang.management (Android) or no HotSpot bean: nothing to check against
    }
  }

  @IgnoreJRERequirement
  private static long used(BufferPoolMXBean pool) {
    return Math.max(0, pool.getMemoryUsed());
  }

  /** {@code -XX:MaxDirectMemorySize}, or the maximum heap where it is left at 0 (the default); 0 if unknown. */
  @IgnoreJRERequirement
  private static long maxDirectMemory() {
    @Nullable String option = null;
    try {
      com.sun.management.HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      option = hotspot == null ? null : hotspot.getVMOption("MaxDirectMemorySize").getValue();
    } catch (LinkageError | RuntimeException e) {
      return 0;
    }
    long set = option == null ? 0 : Long.parseLong(option);
    return set > 0 ? set : Runtime.getRuntime().maxMemory();
  }

  /** No limit known: every model passes. */
  public static DirectMemoryBudget unbounded() {
    return new DirectMemoryBudget(() -> Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** Fixed figures, for tests. */
  public static DirectMemoryBudget of(long freeBytes, long maxBytes) {
    return new DirectMemoryBudget(() -> freeBytes, maxBytes);
  }

  /** Throws {@code BACKEND_FAILURE} when {@code weights} in {@code precision} do not fit. */
  public void check(ModelWeights weights, Precision precision) {
    ModelSpec spec = weights.spec();
    long needed = WeightFootprint.bytes(spec, precision, name -> weights.tensor(name).dtype());
    long available = free.getAsLong();
    if (needed <= available) {
      return;
    }
    StringBuilder todo = new StringBuilder();
    if (!precision.quantizesWeights()) {
      todo.append("load it in int8 or int4 precision (its weights then need about ")
          .append(mibUp(WeightFootprint.bytes(spec, Precision.INT8))).append(" or ")
          .append(mibUp(WeightFootprint.bytes(spec, Precision.INT4))).append("), ");
    }
    long usedElsewhere = Math.max(0, max - available);
    long suggestedGib = needed >= Long.MAX_VALUE / 2 ? 0 : (needed + usedElsewhere + GIB - 1) / GIB + 1;
    todo.append("use a smaller model, or allow the JVM more direct memory (-XX:MaxDirectMemorySize");
    if (suggestedGib > 0) {
      todo.append(", e.g. MOBIEDIT_JAVA_OPTS=-XX:MaxDirectMemorySize=").append(suggestedGib)
          .append("g for the mobiedit command");
    }
    todo.append(')');
    throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE,
        "The model's weights need about " + mibUp(needed) + " of memory outside the Java heap in "
            + precision.getId() + " on the CPU backend, but only " + mibDown(available) + " of the JVM's "
            + mibDown(max) + " direct-memory limit are free. To load it, " + todo + ".");
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
