package org.mobiedit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.format.synthetic.SyntheticModel;
import org.mobiedit.spi.DType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mobiedit synthesize}: write a model with a real architecture's shapes and seeded random weights. */
@Command(name = "synthesize", mixinStandardHelpOptions = true,
    description = {"Write a model with the real shapes of a known architecture and seeded random weights,",
        "for benchmarks and memory checks (it knows nothing). Same seed, same bytes."})
final class SynthesizeCommand implements Callable<Integer> {
  @Option(names = "--shape", required = true, paramLabel = "NAME",
      description = "One of: qwen2.5-0.5b, qwen2.5-3b, llama-3.2-3b, llama-0.5b-32k.")
  String shape;

  @Option(names = "--out", required = true, paramLabel = "PATH",
      description = "Output folder (hf) or .gguf file (gguf).")
  Path out;

  @Option(names = "--format", paramLabel = "F", defaultValue = "hf", description = "hf (a Hugging Face folder) or gguf (one file). Default: hf.")
  String format;

  @Option(names = "--dtype", paramLabel = "T", defaultValue = "bf16",
      description = "Tensor type of the weight matrices: f32, bf16, f16, or q8_0 (gguf only). Default: bf16.")
  String dtype;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed. Default: 1.")
  long seed;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    DType type;
    try {
      type = DType.valueOf(dtype.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "Unknown --dtype '" + dtype + "': use f32, bf16, f16 or q8_0.");
    }
    PrintWriter pw = spec.commandLine().getOut();
    long start = System.nanoTime();
    switch (format.toLowerCase(Locale.ROOT)) {
      case "hf":
        SyntheticModel.writeHf(shape, out, seed, type);
        break;
      case "gguf":
        SyntheticModel.writeGguf(shape, out, seed, type);
        break;
      default:
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
            "Unknown --format '" + format + "': use hf or gguf.");
    }
    pw.printf(Locale.ROOT, "wrote %s (%s, %s, seed %d) in %.1f s%n", out, shape, type, seed,
        (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
