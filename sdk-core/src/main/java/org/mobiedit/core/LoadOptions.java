package org.mobiedit.core;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.AcceleratorPreference;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.BackendConfig;

/**
 * How to load a model.
 *
 * @param precision what the backend runs (fp32 or int8 weights)
 * @param backendId a backend id to force, or null to select by property/environment/priority
 * @param threads kernel threads (0 = one per available processor)
 * @param allowFallback when the chosen backend cannot run this model (it refuses the architecture, a tensor type or
 *     the precision), try the next supported backend in priority order instead of failing; off by default, so a
 *     named or preferred backend is never replaced silently
 * @param accelerator the hardware a hardware backend should use (its system property, when set, overrides this)
 * @param cacheFolder where backends keep what they compile across runs (the app's cache folder, e.g.
 *     {@code context.getCacheDir()}); null: the backends' own settings (system properties), else nothing kept
 */
public record LoadOptions(Precision precision, @Nullable String backendId, int threads, boolean allowFallback,
    AcceleratorPreference accelerator, @Nullable Path cacheFolder) {

  /** The most kernel threads accepted (each is an operating-system thread). */
  public static final int MAX_THREADS = 1024;

  /**
   * @throws MobiEditException {@code INVALID_REQUEST} for a missing precision or accelerator preference, or a thread
   *     count out of range
   */
  public LoadOptions {
    if (accelerator == null) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Invalid load options: no accelerator preference given; use AcceleratorPreference.AUTO to let the backend"
              + " choose.");
    }
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

  public LoadOptions(Precision precision, @Nullable String backendId, int threads, boolean allowFallback) {
    this(precision, backendId, threads, allowFallback, AcceleratorPreference.AUTO, null);
  }

  public LoadOptions(Precision precision, @Nullable String backendId, int threads) {
    this(precision, backendId, threads, false);
  }

  public static LoadOptions defaults() {
    return new LoadOptions(Precision.FP32, null, 0);
  }

  public LoadOptions withPrecision(Precision p) {
    return new LoadOptions(p, backendId, threads, allowFallback, accelerator, cacheFolder);
  }

  public LoadOptions withThreads(int n) {
    return new LoadOptions(precision, backendId, n, allowFallback, accelerator, cacheFolder);
  }

  public LoadOptions withFallback(boolean allow) {
    return new LoadOptions(precision, backendId, threads, allow, accelerator, cacheFolder);
  }

  /** The hardware a hardware backend should use ({@link AcceleratorPreference#AUTO}: its choice). */
  public LoadOptions withAccelerator(AcceleratorPreference a) {
    return new LoadOptions(precision, backendId, threads, allowFallback, a, cacheFolder);
  }

  /** Where backends keep compiled graphs and NPU context binaries across runs (null: nowhere). */
  public LoadOptions withCacheFolder(@Nullable Path folder) {
    return new LoadOptions(precision, backendId, threads, allowFallback, accelerator, folder);
  }

  /** What the selected backend is created with. */
  public BackendConfig backendConfig() {
    return new BackendConfig(effectiveThreads(), accelerator, cacheFolder);
  }

  /** The thread count to give the backend. */
  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
