package org.mobiedit.core;

import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;

/**
 * How to load a model.
 *
 * @param precision what the backend runs (fp32 or int8 weights)
 * @param backendId a backend id to force, or null to select by property/environment/priority
 * @param threads kernel threads (0 = one per available processor)
 * @param allowFallback when the chosen backend cannot run this model (it refuses the architecture, a tensor type or
 *     the precision), try the next supported backend in priority order instead of failing; off by default, so a
 *     named or preferred backend is never replaced silently
 */
public record LoadOptions(Precision precision, @Nullable String backendId, int threads, boolean allowFallback) {

  /** The most kernel threads accepted (each is an operating-system thread). */
  public static final int MAX_THREADS = 1024;

  /** @throws MobiEditException {@code INVALID_REQUEST} for a missing precision or a thread count out of range */
  public LoadOptions {
    if (precision == null) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Invalid load options: no precision given; use one of fp32, int8, int8-a8, int8-a16, int8-dynamic, int4.");
    }
    if (threads < 0 || threads > MAX_THREADS) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Invalid load options: threads is " + threads + "; give 0 (one per available processor) or a count from"
              + " 1 to " + MAX_THREADS + ".");
    }
  }

  public LoadOptions(Precision precision, @Nullable String backendId, int threads) {
    this(precision, backendId, threads, false);
  }

  public static LoadOptions defaults() {
    return new LoadOptions(Precision.FP32, null, 0);
  }

  public LoadOptions withPrecision(Precision p) {
    return new LoadOptions(p, backendId, threads, allowFallback);
  }

  public LoadOptions withThreads(int n) {
    return new LoadOptions(precision, backendId, n, allowFallback);
  }

  public LoadOptions withFallback(boolean allow) {
    return new LoadOptions(precision, backendId, threads, allow);
  }

  /** The thread count to give the backend. */
  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
