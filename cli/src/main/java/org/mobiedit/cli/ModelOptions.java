package org.mobiedit.cli;

import java.nio.file.Path;
import org.mobiedit.api.Precision;
import org.mobiedit.core.model.LoadOptions;
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
      description = "Kernel threads (0 = one per processor).")
  int threads;

  @Option(names = "--backend", paramLabel = "ID",
      description = "Force a backend id (else mobiedit.backend / MOBIEDIT_BACKEND, else the best supported).")
  String backend;

  @Option(names = "--allow-fallback",
      description = "If the chosen backend cannot run this model (architecture, tensor type or precision), use the"
          + " next supported one instead of failing.")
  boolean allowFallback;

  LoadOptions loadOptions() {
    return new LoadOptions(Precision.fromId(precision), backend, threads, allowFallback);
  }
}
