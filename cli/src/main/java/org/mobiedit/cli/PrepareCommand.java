package org.mobiedit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mobiedit prepare}: a model's key statistics, made once and kept beside it. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = {"Prepare a model for editing: sample texts from it and write them, with the second moment of the"
        + " MLP keys over them and over the vocabulary's tokens at every layer the default edit can write to, beside"
        + " the model (key-statistics.bin in a model folder, <file>.key-statistics.bin beside a GGUF file). Editors on the model then use them instead of"
        + " sampling 32 texts at their first edit: better statistics than a phone could sample at every start, and the"
        + " same ones in every session. Run it on the unedited model, at fp32 or with int8/int4 weights."})
final class PrepareCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--texts", paramLabel = "N", defaultValue = "1024",
      description = "Sample texts of 64 tokens (a generation of 64 x N tokens). Default: ${DEFAULT-VALUE}.")
  int texts;

  @Option(names = "--layer", paramLabel = "L", description = "The edit layer (default: the SDK's, about 17%% of the"
      + " depth); the statistics cover it and the layers after it that sequential edits can reach (four with the"
      + " default options).")
  Integer layer;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the sample texts. Default: 42.")
  Long seed;

  @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of beside the model (an editor only"
      + " looks beside it).")
  Path out;

  @Option(names = "--force", description = "Replace existing prepared statistics.")
  boolean force;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    OptionCheck check = new OptionCheck(spec);
    LoadOptions load = model.check(check);
    check.range("--texts", texts, 1, EditOptions.MAX_KEY_SAMPLE_TEXTS, "");
    EditOptions.Builder b = EditOptions.recommended().toBuilder().precision(load.precision());
    if (layer != null) {
      check.range("--layer", layer, 0, Integer.MAX_VALUE, "");
      b.layer(layer);
    }
    if (seed != null) {
      b.seed(seed);
    }
    EditOptions options = b.build();
    PrintWriter err = spec.commandLine().getErr();
    try (Model m = MobiEdit.load(model.model, load)) {
      if (layer != null) {
        check.range("--layer", layer, 0, m.spec().layers() - 1, "(the model has " + m.spec().layers() + " layers)");
      }
      Path file = out != null ? out : MobiEdit.keyStatisticsLocation(m);
      check.newFile(out != null ? "--out" : "the prepared statistics", file, force);
      err.printf(Locale.ROOT, "prepare: sampling %,d texts of 64 tokens from %s...%n", texts, model.model);
      err.flush();
      long start = System.nanoTime();
      int every = Math.max(1, texts / 20);
      List<Integer> layers = MobiEdit.prepareKeyStatistics(m, options, texts, file, drawn -> {
        if (drawn % every == 0 || drawn == texts) {
          err.printf(Locale.ROOT, "\r  %,d / %,d texts  %.0f s", drawn, texts, (System.nanoTime() - start) / 1e9);
          err.flush();
        }
      });
      err.println();
      spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %,d texts, layers %s, in %.1f s%n", file, texts,
          layers, (System.nanoTime() - start) / 1e9);
    }
    return 0;
  }
}
