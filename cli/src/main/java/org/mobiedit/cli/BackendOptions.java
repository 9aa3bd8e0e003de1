package org.mobiedit.cli;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.backend.ProviderCandidate;
import picocli.CommandLine.Option;

/**
 * Where a model runs: the backend and its kernel threads. Shared by every command that loads a model (through
 * {@link ModelOptions}) or edits one.
 */
final class BackendOptions {
  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Kernel threads (0 = one per processor; at most " + OptionCheck.MAX_THREADS + ").")
  int threads;

  @Option(names = "--backend", paramLabel = "ID",
      description = "Force a backend id (else mobiedit.backend / MOBIEDIT_BACKEND, else the best supported).")
  @Nullable String backend;

  /** Checks both values (before the model is loaded). */
  void check(OptionCheck check) {
    check.range("--threads", threads, 0, OptionCheck.MAX_THREADS, " (0 = one per processor)");
    if (backend != null) {
      checkBackend(check, backend);
    }
  }

  /** The load options of a model in this precision on this backend. */
  LoadOptions load(Precision precision) {
    return new LoadOptions(precision, backend, threads);
  }

  /** An id of an installed backend (usable here or not: the backend itself says why it cannot run). */
  private static void checkBackend(OptionCheck check, String backend) {
    String id = check.nonBlank("--backend", backend).trim().toLowerCase(Locale.ROOT);
    List<String> ids = BackendSelector.discover().candidates().stream().map(ProviderCandidate::id).sorted()
        .collect(Collectors.toList());
    if (!ids.isEmpty() && !ids.contains(id)) {
      throw check.fail("--backend " + OptionCheck.quoted(backend) + " is not an installed backend: use one of "
          + String.join(", ", ids) + " (see 'mobiedit backends').");
    }
  }
}
