package org.mobiedit.backend.cpu.kernel;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;

/**
 * Chooses the dot-product kernel when a backend is created: the SIMD kernel where the JVM offers the Vector API,
 * else the scalar one. The system property {@code mobiedit.cpu.kernels} ({@code auto}, {@code scalar},
 * {@code vector}) forces a choice, for comparisons and benchmarks.
 */
public final class DotProducts {
  /** The system property that forces a kernel. */
  public static final String PROPERTY = "mobiedit.cpu.kernels";

  private DotProducts() {}

  /** The kernel for a preference ({@code auto}, {@code scalar}, {@code vector}; null means auto). */
  public static DotProduct select(@Nullable String preference) {
    String p = preference == null ? "auto" : preference.trim().toLowerCase(Locale.ROOT);
    switch (p) {
      case "scalar":
        return ScalarDotProduct.INSTANCE;
      case "vector": {
        DotProduct v = vectorOrNull();
        if (v == null) {
          throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE,
              PROPERTY + "=vector, but this JVM does not offer the Vector API: start it with"
                  + " --add-modules jdk.incubator.vector, or use auto/scalar.");
        }
        return v;
      }
      case "auto": {
        DotProduct v = vectorOrNull();
        return v == null ? ScalarDotProduct.INSTANCE : v;
      }
      default:
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
            "Unknown " + PROPERTY + " value '" + preference + "': use auto, scalar or vector.");
    }
  }

  /**
   * What {@code kernel} means for speed on this JVM, one line for listings and the log: the SIMD kernel and its width,
   * or the scalar kernel with why and what would give the SIMD one.
   */
  public static String describe(DotProduct kernel) {
    if (kernel instanceof ScalarDotProduct) {
      boolean forced = "scalar".equalsIgnoreCase(String.valueOf(System.getProperty(PROPERTY)).trim());
      return "kernels: scalar (" + (forced ? PROPERTY + "=scalar"
          : "this JVM has no Vector API; on a desktop JVM start it with --add-modules jdk.incubator.vector for the"
              + " SIMD kernels, 4-7x faster; Android has none") + ")";
    }
    return "kernels: SIMD (" + kernel + ")";
  }

  private static @Nullable DotProduct vectorOrNull() {
    try {
      Class.forName("jdk.incubator.vector.FloatVector");
      return (DotProduct) Class.forName("org.mobiedit.backend.cpu.kernel.VectorDotProduct")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }
}
