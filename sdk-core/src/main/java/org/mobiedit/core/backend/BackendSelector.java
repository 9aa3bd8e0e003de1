package org.mobiedit.core.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backend providers and picks one, deterministically:
 * <ol>
 *   <li>an id given explicitly to {@link #select(String)};
 *   <li>otherwise the {@code mobiedit.backend} system property, then the {@code MOBIEDIT_BACKEND} environment
 *       variable (an unknown id is an error listing the valid ids);
 *   <li>otherwise the supported provider with the highest priority, ties broken by id.
 * </ol>
 * One broken provider (missing class, constructor that throws, probe that throws, other SPI version) never breaks
 * discovery: it is skipped with a {@link BackendDiagnostic}. Zero usable providers is an error that names the
 * artifacts to add and lists every provider tried and why it was skipped.
 *
 * <p>Thread safety: immutable after construction; discovery runs once in the factory method.
 */
public final class BackendSelector {
  /** The system property that names a backend id. */
  public static final String PROPERTY = "mobiedit.backend";
  /** The environment variable that names a backend id (read when the property is absent). */
  public static final String ENVIRONMENT = "MOBIEDIT_BACKEND";

  private static final Logger LOG = LoggerFactory.getLogger(BackendSelector.class);
  /** Support notes already logged in this process ({@link #selected}). */
  private static final Set<String> LOGGED_NOTES = ConcurrentHashMap.newKeySet();
  private static final String ADD_ARTIFACT_HINT =
      "Add a backend artifact to the class path: org.mobiedit:mobiedit-backend-cpu runs everywhere (pure Java); "
          + "hardware backends are org.mobiedit:mobiedit-backend-litert and mobiedit-backend-qnn.";

  private final List<ProviderCandidate> candidates;
  private final List<BackendDiagnostic> diagnostics;
  private final Function<String, @Nullable String> settings;

  private BackendSelector(
      List<ProviderCandidate> candidates,
      List<BackendDiagnostic> diagnostics,
      Function<String, @Nullable String> settings) {
    this.candidates = List.copyOf(candidates);
    this.diagnostics = List.copyOf(diagnostics);
    this.settings = settings;
  }

  /** Discovers providers visible to the SDK's own class loader (the form Android's R8 optimises). */
  public static BackendSelector discover() {
    return discover(
        ServiceLoader.load(BackendProvider.class, BackendProvider.class.getClassLoader()).iterator(),
        BackendSelector::systemSetting);
  }

  /** Discovers providers visible to a given class loader (plugins loaded at run time, tests). */
  public static BackendSelector discover(ClassLoader loader, Function<String, @Nullable String> settings) {
    return discover(ServiceLoader.load(BackendProvider.class, loader).iterator(), settings);
  }

  /** Uses the given providers instead of discovering (an app that wires its backend by hand). */
  public static BackendSelector of(List<? extends BackendProvider> providers) {
    return discover(new ArrayList<BackendProvider>(providers).iterator(), name -> null);
  }

  /**
   * Reads {@link #PROPERTY} from the system properties, else {@link #ENVIRONMENT} from the environment. Any other
   * key is looked up the same way.
   */
  public static @Nullable String systemSetting(String key) {
    if (key.equals(PROPERTY) || key.equals(ENVIRONMENT)) {
      String p = System.getProperty(PROPERTY);
      if (p != null && !p.trim().isEmpty()) {
        return p;
      }
      String e = System.getenv(ENVIRONMENT);
      return e == null || e.trim().isEmpty() ? null : e;
    }
    return System.getProperty(key);
  }

  private static BackendSelector discover(
      Iterator<BackendProvider> it, Function<String, @Nullable String> settings) {
    List<BackendDiagnostic> diags = new ArrayList<>();
    Map<String, ProviderCandidate> byId = new LinkedHashMap<>();
    while (true) {
      BackendProvider provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        // A provider whose class is missing or whose constructor threw: skip it, keep going.
        diags.add(new BackendDiagnostic(BackendDiagnostic.Code.PROVIDER_BROKEN, "-",
            "A backend provider could not be instantiated and was skipped: " + rootMessage(e)
                + ". Check that the backend artifact matches this SDK version and its dependencies are present."));
        continue;
      }
      String id;
      try {
        id = provider.id();
      } catch (RuntimeException | LinkageError e) {
        diags.add(new BackendDiagnostic(BackendDiagnostic.Code.PROVIDER_BROKEN, provider.getClass().getName(),
            "The provider's id() threw and it was skipped: " + rootMessage(e)));
        continue;
      }
      int spiVersion;
      try {
        spiVersion = provider.spiVersion();
      } catch (RuntimeException | LinkageError e) {
        // AbstractMethodError: built against an SPI whose spiVersion() had a default
        diags.add(new BackendDiagnostic(BackendDiagnostic.Code.SPI_VERSION_MISMATCH, id,
            "Provider " + provider.getClass().getName() + " does not declare the SPI version it was built against ("
                + rootMessage(e) + ") but this SDK speaks " + BackendProvider.SPI_VERSION
                + "; skipped. Use the backend release built for this SDK version."));
        continue;
      }
      if (spiVersion != BackendProvider.SPI_VERSION) {
        diags.add(new BackendDiagnostic(BackendDiagnostic.Code.SPI_VERSION_MISMATCH, id,
            "Provider " + provider.getClass().getName() + " speaks SPI version " + spiVersion
                + " but this SDK speaks " + BackendProvider.SPI_VERSION
                + "; skipped. Use the backend release built for this SDK version."));
        continue;
      }
      if (byId.containsKey(id)) {
        diags.add(new BackendDiagnostic(BackendDiagnostic.Code.DUPLICATE_ID, id,
            "Two providers claim the id '" + id + "': kept " + byId.get(id).provider().getClass().getName()
                + ", ignored " + provider.getClass().getName() + ". Remove one of the two artifacts."));
        continue;
      }
      Support support;
      try {
        support = provider.support();
      } catch (RuntimeException | LinkageError e) {
        support = Support.no("its support probe threw " + rootMessage(e));
        diags.add(new BackendDiagnostic(BackendDiagnostic.Code.SUPPORT_PROBE_FAILED, id,
            "Provider '" + id + "' failed while checking whether it can run here and was skipped: "
                + rootMessage(e)));
      }
      if (!support.isSupported()) {
        diags.add(new BackendDiagnostic(BackendDiagnostic.Code.PROVIDER_UNSUPPORTED, id,
            "Backend '" + id + "' cannot run on this device: " + support.reason()));
      }
      byId.put(id, new ProviderCandidate(provider, support));
    }
    if (byId.isEmpty()) {
      diags.add(new BackendDiagnostic(BackendDiagnostic.Code.NO_PROVIDERS, "-",
          "No backend provider was found on the class path. " + ADD_ARTIFACT_HINT));
    }
    for (BackendDiagnostic d : diags) {
      LOG.debug("{}", d);
    }
    return new BackendSelector(new ArrayList<>(byId.values()), diags, settings);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    StringBuilder sb = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      sb.append(" (caused by ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(')');
    }
    return sb.toString();
  }

  /** Every provider found (usable or not), in discovery order. */
  public List<ProviderCandidate> candidates() {
    return candidates;
  }

  /** The supported providers in the order automatic selection prefers them (priority, then id). */
  public List<ProviderCandidate> ranked() {
    return ranked(null);
  }

  /**
   * The supported providers in the order automatic selection prefers them for a model in {@code precision}
   * ({@link org.mobiedit.spi.BackendProvider#priority(Precision)}, then id; null: {@code priority()}).
   */
  public List<ProviderCandidate> ranked(@Nullable Precision precision) {
    return candidates.stream()
        .filter(ProviderCandidate::usable)
        .sorted(Comparator.comparingInt((ProviderCandidate c) -> -priority(c, precision))
            .thenComparing(ProviderCandidate::id))
        .collect(Collectors.toList());
  }

  private static int priority(ProviderCandidate c, @Nullable Precision precision) {
    return precision == null ? c.provider().priority() : c.provider().priority(precision);
  }

  /** What discovery noticed. */
  public List<BackendDiagnostic> diagnostics() {
    return diagnostics;
  }

  /** Selects by the property/environment setting, else by priority. */
  public BackendSelection select() {
    return select(null);
  }

  /**
   * Selects the provider with the given id, or by priority when {@code requestedId} is null.
   *
   * @throws MobiEditException {@code BACKEND_UNAVAILABLE} for an unknown id, an unsupported requested backend, or
   *     when no provider is usable; the message lists every provider tried and why it was skipped
   */
  public BackendSelection select(@Nullable String requestedId) {
    return select(requestedId, null);
  }

  /**
   * As {@link #select(String)}, ranking by each provider's priority for a model in {@code precision} (null: its
   * plain priority).
   */
  public BackendSelection select(@Nullable String requestedId, @Nullable Precision precision) {
    if (requestedId == null || requestedId.trim().isEmpty()) {
      // the caller named none: the property, then the environment variable, may (documented order)
      requestedId = settings.apply(PROPERTY);
      if (requestedId == null) {
        requestedId = settings.apply(ENVIRONMENT);
      }
    }
    if (requestedId != null && !requestedId.trim().isEmpty()) {
      String id = requestedId.trim().toLowerCase(Locale.ROOT);
      for (ProviderCandidate c : candidates) {
        if (c.id().equals(id)) {
          if (!c.usable()) {
            throw failure(BackendDiagnostic.Code.REQUESTED_UNSUPPORTED, id,
                "The requested backend '" + id + "' cannot run on this device: " + c.support().reason()
                    + ". Unset " + PROPERTY + "/" + ENVIRONMENT + " to choose automatically, or pick another of: "
                    + ids(true) + ".");
          }
          return selected(c, "requested id '" + id + "'");
        }
      }
      throw failure(BackendDiagnostic.Code.UNKNOWN_ID, id,
          "Unknown backend id '" + id + "' (from " + PROPERTY + "/" + ENVIRONMENT + " or the caller). Valid ids: "
              + (candidates.isEmpty() ? "none (no provider found)" : ids(false)) + ". " + ADD_ARTIFACT_HINT);
    }
    List<ProviderCandidate> usable = ranked(precision);
    if (usable.isEmpty()) {
      throw failure(BackendDiagnostic.Code.NONE_USABLE, "-",
          "No usable backend. " + ADD_ARTIFACT_HINT);
    }
    ProviderCandidate chosen = usable.get(0);
    String rule = usable.size() == 1
        ? "the only supported provider"
        : "highest priority (" + priority(chosen, precision) + (precision == null ? "" : " for " + precision.getId())
            + ") of " + usable.size() + " supported: " + ids(true);
    return selected(chosen, rule);
  }

  /**
   * The selection of {@code c}; its support note (how it runs here, e.g. backend-cpu's kernels) is logged at info
   * level once per process and note, so an app's log says once whether it got the fast kernels.
   */
  private BackendSelection selected(ProviderCandidate c, String rule) {
    LOG.debug("Selected backend '{}': {}", c.id(), rule);
    String note = c.support().reason();
    if (!note.isEmpty() && LOGGED_NOTES.add(c.id() + ": " + note)) {
      LOG.info("Backend '{}': {}", c.id(), note);
    }
    return new BackendSelection(c.provider(), rule, diagnostics);
  }

  private String ids(boolean usableOnly) {
    return candidates.stream()
        .filter(c -> !usableOnly || c.usable())
        .map(ProviderCandidate::id)
        .sorted()
        .collect(Collectors.joining(", "));
  }

  private MobiEditException failure(BackendDiagnostic.Code code, String id, String message) {
    StringBuilder sb = new StringBuilder(code.id()).append(": ").append(message);
    if (!candidates.isEmpty() || !diagnostics.isEmpty()) {
      sb.append("\nProviders tried:");
      for (ProviderCandidate c : candidates) {
        sb.append("\n  - ").append(c.describe());
      }
      for (BackendDiagnostic d : diagnostics) {
        if (d.code() != BackendDiagnostic.Code.PROVIDER_UNSUPPORTED) {
          sb.append("\n  - ").append(d);
        }
      }
    }
    return new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE, sb.toString());
  }
}
