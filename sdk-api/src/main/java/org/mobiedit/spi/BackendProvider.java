package org.mobiedit.spi;

import org.mobiedit.api.Precision;

/**
 * The entry point of a backend, found with {@link java.util.ServiceLoader}. Register an implementation in
 * {@code META-INF/services/org.mobiedit.spi.BackendProvider}.
 *
 * <p>Contract:
 * <ul>
 *   <li>The no-argument constructor is cheap: no native library loading, no hardware probing, no threads.
 *   <li>{@link #support()} may probe (for example try to load a native library) and must not throw: report a
 *       failure as {@link Support#no(String)} with a reason a person can act on.
 *   <li>{@link #create(BackendConfig)} does the expensive work and may throw
 *       {@link org.mobiedit.api.MobiEditException} with reason {@code BACKEND_UNAVAILABLE} or
 *       {@code BACKEND_FAILURE}.
 *   <li>All methods are safe to call from any thread.
 * </ul>
 *
 * <p>Selection (see the SDK's backend selector): an explicit backend wins, then the {@code mobiedit.backend}
 * system property or {@code MOBIEDIT_BACKEND} environment variable naming an {@link #id()}, then the supported
 * provider with the highest {@link #priority(Precision)} for the precision the model is loaded in, ties broken by id.
 */
public interface BackendProvider {

  /**
   * The major SPI version this SDK speaks. A provider whose {@link #spiVersion()} differs is skipped with diagnostic
   * {@code MOBIEDIT-B004} instead of failing later with a linkage error. Raised only by changes that break providers
   * built against the previous value.
   */
  int SPI_VERSION = 1;

  /** A short, stable, lower-case id: {@code cpu}, {@code litert}, {@code qnn}, {@code executorch}. */
  String id();

  /** A one-line human description for diagnostics and {@code mobiedit inspect}. */
  default String description() {
    return id();
  }

  /**
   * Higher wins automatic selection. Reference values: the pure-Java CPU backend is 0; hardware backends are 100 or
   * more; a test fake is {@link Integer#MAX_VALUE} so it wins whenever it is on the test classpath.
   */
  int priority();

  /**
   * The priority for a model loaded in {@code precision}: by default {@link #priority()}. A backend whose fast path
   * is one precision (backend-litert's int8-dynamic runs on XNNPACK's integer kernels, where backend-cpu computes the
   * reference in Java) ranks itself higher for that precision only.
   */
  default int priority(Precision precision) {
    return priority();
  }

  /**
   * The SPI version the provider was built against. Every provider implements it as
   * <pre>{@code
   * @Override
   * public int spiVersion() {
   *   return SPI_VERSION;
   * }
   * }</pre>
   * {@link #SPI_VERSION} is a compile-time constant, so the compiler copies its value into the provider's class: the
   * provider keeps reporting the version of the SDK it was compiled against when it runs with another one, and the
   * SDK skips it, with a diagnostic naming both versions, unless they are equal. (A default method could not do this:
   * it would report whatever SDK runs it.)
   */
  int spiVersion();

  /** Whether this backend can run on this device now, and if not, why. Never throws. */
  Support support();

  /** Creates the backend. Expensive: loads native code, opens devices, starts threads. */
  Backend create(BackendConfig config);
}
