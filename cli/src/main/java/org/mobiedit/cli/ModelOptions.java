package org.mobiedit.cli;

import java.nio.file.Path;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by commands that load a model. */
final class ModelOptions {
  @Option(names = {"-m", "--model"}, required = true, paramLabel = "PATH",
      description = "A GGUF file, or a Hugging Face folder (config.json + *.safetensors + tokenizer files).")
  Path model;

  @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
      description = "fp32, int8 (int8 weights per output channel, float activations), int8-a8 or int8-a16 (int8"
          + " weights, static int8/int16 activations calibrated on real tokens, as an NPU runs), int8-dynamic (int8 weights,"
          + " every matrix product's input rounded to int8 per token as it runs, as llama.cpp's q8_0 does; XNNPACK's"
          + " integer kernels on backend-litert), int4 (4-bit weights in blocks of 32, a Q4_0/Q4_K file's exactly as"
          + " stored; backend-cpu). Default: ${DEFAULT-VALUE}.")
  String precision;

  @Mixin BackendOptions where;

  @Option(names = "--allow-fallback",
      description = "If the chosen backend cannot run this model (architecture, tensor type or precision), use the"
          + " next supported one instead of failing.")
  boolean allowFallback;

  /** Checks every value (before the model is loaded) and returns the load options they make. */
  LoadOptions check(OptionCheck check) {
    check.exists("--model", model);
    Precision p = check.precision("--precision", precision);
    where.check(check);
    return where.load(p).withFallback(allowFallback);
  }
}
