package org.mobiedit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.mobiedit.api.Precision;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.backend.ProviderCandidate;
import org.mobiedit.core.LoadOptions;
import picocli.CommandLine.Option;

/** Options shared by commands that load a model. */
final class ModelOptions {
  @Option(names = {"-m", "--model"}, required = true, paramLabel = "PATH",
      description = "A GGUF file, or a Hugging Face folder (config.json + *.safetensors + tokenizer files).")
  Path model;

  @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
      description = "fp32, int8 (int8 weights per output channel, float activations), int8-a8 or int8-a16 (int8 weights,"
          + " static int8/int16 activations calibrated on real tokens, as an NPU runs). Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Kernel threads (0 = one per processor; at most " + OptionCheck.MAX_THREADS + ").")
  int threads;

  @Option(names = "--backend", paramLabel = "ID",
      description = "Force a backend id (else mobiedit.backend / MOBIEDIT_BACKEND, else the best supported).")
  String backend;

  @Option(names = "--allow-fallback",
      description = "If the chosen backend cannot run this model (architecture, tensor type or precision), use the"
          + " next supported one instead of failing.")
  boolean allowFallback;

  /** Checks every value (before the model is loaded) and returns the load options they make. */
  LoadOptions check(OptionCheck check) {
    check.exists("--model", model);
    Precision p = check.precision("--precision", precision);
    checkThreads(check, threads);
    if (backend != null) {
      checkBackend(check, backend);
    }
    return new LoadOptions(p, backend, threads, allowFallback);
  }

  static void checkThreads(OptionCheck check, int threads) {
    check.range("--threads", threads, 0, OptionCheck.MAX_THREADS, " (0 = one per processor)");
  }

  /** An id of an installed backend (usable here or not: the backend itself says why it cannot run). */
  static void checkBackend(OptionCheck check, String backend) {
    String id = check.nonBlank("--backend", backend).trim().toLowerCase(Locale.ROOT);
    List<String> ids = BackendSelector.discover().candidates().stream().map(ProviderCandidate::id).sorted()
        .collect(Collectors.toList());
    if (!ids.isEmpty() && !ids.contains(id)) {
      throw check.fail("--backend " + OptionCheck.quoted(backend) + " is not an installed backend: use one of "
          + String.join(", ", ids) + " (see 'mobiedit backends').");
    }
  }
}
