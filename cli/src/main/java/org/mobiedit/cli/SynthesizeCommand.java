package org.mobiedit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeScaling;
import org.mobiedit.tools.synthetic.SyntheticModel;
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
      description = "Output folder (hf) or .gguf file (gguf); an existing one is replaced only with --force.")
  Path out;

  @Option(names = "--force", description = "Replace an existing --out (for hf: the files of the same names in it).")
  boolean force;

  @Option(names = "--format", paramLabel = "F", defaultValue = "hf",
      description = "hf (a Hugging Face folder) or gguf (one file). Default: hf.")
  String format;

  @Option(names = "--dtype", paramLabel = "T", defaultValue = "bf16",
      description = {"Tensor type of the weight matrices: f32, bf16, f16, or (gguf only) q8_0, q4_0 or q4_k (rows",
          "that are not whole 256-element super-blocks are written q4_0, as llama.cpp does). Default: bf16."})
  String dtype;

  @Option(names = "--tokenizer", paramLabel = "DIR|FILE",
      description = {"A Hugging Face tokenizer folder (tokenizer.json, or vocab.json + merges.txt), so that text has",
          "real token counts (e.g. ../shared/data/tokenizers/qwen2 for the Qwen2.5 shapes): hf copies its files in;",
          "gguf writes it into the metadata as llama.cpp's converter does (byte-level BPE only: GPT-2, Qwen2,",
          "Llama 3 split patterns). Or, with --format gguf, a GGUF file whose tokenizer is copied as it is (e.g.",
          "../shared/data/tokenizers/llama-spm/ggml-vocab-llama-spm.gguf, Llama 2's SentencePiece vocabulary, for",
          "--shape llama-0.5b-32k). Default: one token per byte."})
  Path tokenizer;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed. Default: 1.")
  long seed;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand MobiEditCli parent;

  @Override
  public Integer call() {
    OptionCheck check = new OptionCheck(spec);
    String name = check.oneOf("--shape", shape, SyntheticModel.shapes().keySet());
    ModelSpec model = SyntheticModel.shape(name);
    boolean gguf = check.oneOf("--format", format, List.of("hf", "gguf")).equals("gguf");
    DType type = DType.valueOf(check.oneOf("--dtype", dtype, List.of("f32", "bf16", "f16", "q8_0", "q4_0", "q4_k"))
        .toUpperCase(Locale.ROOT));
    if (type.blockSize() > 1 && !gguf) {
      throw check.fail("--dtype " + dtype + " needs --format gguf: Hugging Face folders hold f32, f16 or bf16"
          + " weights.");
    }
    if (gguf && model.ropeScaling().type() == RopeScaling.Type.LLAMA3) {
      throw check.fail("--shape " + name + " uses Llama 3 rope scaling, which GGUF stores as a rope_freqs tensor the"
          + " SDK does not read yet: use --format hf.");
    }
    if (tokenizer != null && !java.nio.file.Files.isDirectory(tokenizer)
        && !(gguf && java.nio.file.Files.isRegularFile(tokenizer))) {
      throw check.fail("--tokenizer " + tokenizer + (java.nio.file.Files.isRegularFile(tokenizer)
          ? " is a file: a GGUF file's tokenizer can only be written into a GGUF model; add --format gguf, or give"
              + " a folder with tokenizer.json or vocab.json + merges.txt."
          : " is not a folder: give the folder that holds tokenizer.json or vocab.json + merges.txt (or, with"
              + " --format gguf, a GGUF file with a vocabulary)."));
    }
    if (gguf) {
      check.newFile("--out", out, force);
    } else {
      check.newFolder("--out", out, force);
    }
    parent.interrupts().onInterrupt(() -> "interrupted: " + out + " is incomplete; delete it, or run the command"
        + " again with --force.");
    PrintWriter pw = spec.commandLine().getOut();
    double bytesPerWeight = (double) type.blockBytes() / type.blockSize();
    PrintWriter err = spec.commandLine().getErr();
    err.printf(Locale.ROOT, "synthesize: writing %s, %,d parameters, about %.1f GiB (about 20 s per GiB here)...%n",
        out, model.parameterCount(), model.parameterCount() * bytesPerWeight / (1L << 30));
    err.flush();
    long start = System.nanoTime();
    if (gguf) {
      SyntheticModel.writeGguf(model, out, seed, type, tokenizer);
    } else {
      SyntheticModel.writeHf(model, out, seed, type, tokenizer);
    }
    pw.printf(Locale.ROOT, "wrote %s (%s, %s, seed %d) in %.1f s%n", out, name, type, seed,
        (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
