package org.mobiedit.core.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The targets of a campaign, built from the seeds found, each with its share of the inputs. Parse-level targets run
 * hundreds to thousands of inputs per second and get the larger shares; whole model loads are slower and get smaller
 * ones; patch inputs reuse one loaded model.
 */
final class CampaignTargets {
  /** A target and its share (percent) of the campaign's inputs. */
  record Planned(FuzzTarget target, int share) {}

  private static final List<String> HF_TOKENIZER = List.of("tokenizer.json", "tokenizer_config.json");
  private static final List<String> BPE_FILES = List.of("vocab.json", "merges.txt", "tokenizer_config.json");

  private CampaignTargets() {}

  /**
   * The targets {@code wanted} (by name) for which seeds exist; expensive set-up is done only for those. Derived
   * seeds are written to {@code seeds} (kept from one campaign JVM to the next, so a restart does not redo them).
   */
  static List<Planned> build(SeedFiles files, SeedMutator mutator, Path seeds, Predicate<String> wanted)
      throws IOException {
    Optional<Path> storiesGguf = files.shared("models/stories260K/stories260K-f32.gguf");
    Optional<Path> storiesHf = files.shared("models/stories260K/hf");
    Optional<Path> qwen2 = files.shared("models/qwen2-tiny-random");
    Optional<Path> world = files.world();
    List<Path> ggufs = new ArrayList<>();
    storiesGguf.ifPresent(ggufs::add);
    files.shared("tokenizers/llama-spm/ggml-vocab-llama-spm.gguf").ifPresent(ggufs::add);
    files.shared("tokenizers/gpt-2/ggml-vocab-gpt-2.gguf").ifPresent(ggufs::add);
    Map<String, Path> hf = new LinkedHashMap<>();
    storiesHf.ifPresent(p -> hf.put("stories260K/hf", p));
    world.ifPresent(p -> hf.put("mobiedit-world", p));
    qwen2.ifPresent(p -> hf.put("qwen2-tiny-random", p));
    Optional<Path> qwen2Small = Optional.empty();
    if (qwen2.isPresent() && wanted.test("tokenizer-files")) {
      qwen2Small = Optional.of(DerivedSeeds.qwen2Small(qwen2.get(), seeds.resolve("qwen2-small")));
    }

    List<Planned> out = new ArrayList<>();
    if (!ggufs.isEmpty()) {
      out.add(new Planned(GgufFileTarget.header(ggufs, mutator), 22));
      out.add(new Planned(GgufFileTarget.tokenizer(ggufs, mutator), 4));
    }
    storiesGguf.ifPresent(p -> out.add(new Planned(ModelLoadTarget.gguf(List.of(
        new FolderSeed("stories260K-f32.gguf", p.getParent(), List.of(), List.of(p.getFileName().toString()))),
        mutator), 6)));
    if (!hf.isEmpty()) {
      Map<String, Path> configs = new LinkedHashMap<>();
      Map<String, Path> safetensors = new LinkedHashMap<>();
      hf.forEach((name, p) -> {
        configs.put(name, p.resolve("config.json"));
        safetensors.put(name, p.resolve("model.safetensors"));
      });
      out.add(new Planned(new SafetensorsHeaderTarget(safetensors, mutator), 17));
      out.add(new Planned(new HfConfigTarget(configs, mutator), 23));
      out.add(new Planned(new TokenizerFilesTarget(tokenizerSeeds(storiesHf, world, qwen2, qwen2Small), mutator),
          6));
      out.add(new Planned(ModelLoadTarget.hf(modelSeeds(storiesHf, world, qwen2), mutator), 5));
    }
    if (world.isPresent() && wanted.test("patch")) {
      Path seedDir = seeds.resolve("patches");
      PatchBench bench = new PatchBench(world.get(), seedDir);
      Map<String, PatchLayout> patches = new LinkedHashMap<>();
      for (String name : List.of("one-edit.medp", "two-edits.medp")) {
        patches.put(name, PatchLayout.parse(mutator.bytes(seedDir.resolve(name))));
      }
      out.add(new Planned(new PatchTarget(bench, patches), 17));
    }
    out.removeIf(p -> !wanted.test(p.target().name()));
    return out;
  }

  /** The small tokenizers three times, the full Qwen2 one (as slow to load as a hundred small ones) once. */
  private static List<FolderSeed> tokenizerSeeds(Optional<Path> storiesHf, Optional<Path> world,
      Optional<Path> qwen2, Optional<Path> qwen2Small) {
    List<FolderSeed> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      storiesHf.ifPresent(p -> out.add(new FolderSeed("stories260K/hf", p, HF_TOKENIZER, HF_TOKENIZER)));
      world.ifPresent(p -> out.add(new FolderSeed("mobiedit-world", p, HF_TOKENIZER, HF_TOKENIZER)));
      qwen2Small.ifPresent(p -> out.add(new FolderSeed("qwen2-small", p, BPE_FILES, BPE_FILES)));
    }
    qwen2.ifPresent(p -> out.add(new FolderSeed("qwen2-tiny-random", p, BPE_FILES, BPE_FILES)));
    return out;
  }

  /**
   * Whole HF folders, as they are (a folder per input: its files linked, the mutated one written). The Qwen2 folder
   * comes once for every two of the small models: its real tokenizer (151,643 tokens, 151,387 merges) makes a load
   * several times slower; and a cut tokenizer would not do, as the random weights generate ids beyond it.
   */
  private static List<FolderSeed> modelSeeds(Optional<Path> storiesHf, Optional<Path> world, Optional<Path> qwen2) {
    List<FolderSeed> out = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      storiesHf.ifPresent(p -> out.add(model("stories260K/hf", p, HF_TOKENIZER)));
      world.ifPresent(p -> out.add(model("mobiedit-world", p, HF_TOKENIZER)));
    }
    qwen2.ifPresent(p -> out.add(model("qwen2-tiny-random", p, BPE_FILES)));
    return out;
  }

  private static FolderSeed model(String name, Path folder, List<String> tokenizerFiles) {
    List<String> all = new ArrayList<>(List.of("config.json", "model.safetensors"));
    all.addAll(tokenizerFiles);
    return new FolderSeed(name, folder, all, all);
  }
}
