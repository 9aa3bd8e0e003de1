package org.mobiedit.core.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.internal.model.LanguageModel;

/**
 * A whole model loaded on the CPU backend from a mutated GGUF file ({@code gguf-load}) or a Hugging Face folder
 * with one mutated file ({@code hf-load}), then asked for two tokens. How it is opened follows the input's index:
 * {@code index % 4} is 0 or 1 for {@code LanguageModel.load} in fp32, 2 for {@code MobiEdit.open} (the app entry
 * point) and 3 for {@code LanguageModel.load} in int8. Input 199 of every 200 loads its seed unchanged and prompts
 * with 100,000 letters, which must be refused for the context quickly.
 */
final class ModelLoadTarget implements FuzzTarget {
  private final String name;
  private final List<FolderSeed> seeds;
  private final boolean gguf;
  private final SeedMutator mutator;

  private ModelLoadTarget(String name, List<FolderSeed> seeds, boolean gguf, SeedMutator mutator) {
    this.name = name;
    this.seeds = seeds;
    this.gguf = gguf;
    this.mutator = mutator;
  }

  /** Seeds whose {@code mutable} holds one .gguf file. */
  static ModelLoadTarget gguf(List<FolderSeed> seeds, SeedMutator mutator) {
    return new ModelLoadTarget("gguf-load", seeds, true, mutator);
  }

  static ModelLoadTarget hf(List<FolderSeed> seeds, SeedMutator mutator) {
    return new ModelLoadTarget("hf-load", seeds, false, mutator);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> seeds() {
    List<String> out = new ArrayList<>();
    seeds.forEach(s -> out.add(s.name()));
    return out;
  }

  static boolean longPrompt(long index) {
    return index % 200 == 199;
  }

  @Override
  public List<FuzzInput> seedInputs() {
    List<FuzzInput> out = new ArrayList<>();
    for (FolderSeed s : seeds) {
      String file = s.mutable().get(0);
      out.add(new FuzzInput(name, -1, s.name(), file, mutator.bytes(s.folder().resolve(file)), 0, "no mutation"));
    }
    return out;
  }

  @Override
  public FuzzInput generate(long index, SplittableRandom r) {
    FolderSeed seed = seeds.get(r.nextInt(seeds.size()));
    String file = seed.mutable().get(r.nextInt(seed.mutable().size()));
    StringBuilder log = new StringBuilder();
    byte[] b;
    if (longPrompt(index)) {
      // the seed as it is, so that the prompt reaches the tokenizer and the context check
      b = mutator.bytes(seed.folder().resolve(file));
      log.append(" no mutation;");
    } else {
      b = mutator.mutate(seed.folder().resolve(file), r, log);
    }
    String[] how = {"LanguageModel.load fp32", "LanguageModel.load fp32", "MobiEdit.open", "LanguageModel.load int8"};
    log.append(" opened with ").append(how[Math.floorMod(index, 4)]).append(';');
    if (longPrompt(index)) {
      log.append(" prompt of 100,000 letters;");
    }
    return new FuzzInput(name, index, seed.name(), file, b, 0, log.toString().trim());
  }

  @Override
  public void run(FuzzInput input, Path dir) throws Exception {
    FolderSeed seed = FolderSeed.named(seeds, input.seed());
    Path model = gguf ? InputFiles.write(input, dir) : InputFiles.folder(seed.folder(), seed.files(), input, dir);
    String prompt = longPrompt(input.index()) ? "a".repeat(100_000) : "Lily went to the park and";
    BackendSelector cpu = BackendSelector.of(List.of(new CpuBackendProvider()));
    int how = Math.floorMod(input.index(), 4);
    if (how == 2) {
      try (Editor editor = MobiEdit.open(model, EditOptions.defaults(), "cpu", 1, cpu)) {
        editor.generate(prompt, GenerationOptions.greedy(2));
      }
      return;
    }
    Precision precision = how == 3 ? Precision.INT8 : Precision.FP32;
    try (LanguageModel lm = LanguageModel.load(model, new LoadOptions(precision, "cpu", 1), cpu)) {
      lm.generate(prompt, GenerationOptions.greedy(2));
    }
  }
}
