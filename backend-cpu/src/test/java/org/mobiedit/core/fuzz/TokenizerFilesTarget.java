package org.mobiedit.core.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mobiedit.core.internal.model.TokenizerLocator;

/**
 * A tokenizer folder with one mutated file ({@code tokenizer.json}, {@code tokenizer_config.json},
 * {@code vocab.json} or {@code merges.txt}) given to {@code TokenizerLocator.forPath}, then encoding and decoding.
 */
final class TokenizerFilesTarget implements FuzzTarget {
  private final List<FolderSeed> seeds;
  private final SeedMutator mutator;

  TokenizerFilesTarget(List<FolderSeed> seeds, SeedMutator mutator) {
    this.seeds = seeds;
    this.mutator = mutator;
  }

  @Override
  public String name() {
    return "tokenizer-files";
  }

  @Override
  public List<String> seeds() {
    List<String> out = new ArrayList<>();
    seeds.forEach(s -> out.add(s.name()));
    return out;
  }

  @Override
  public List<FuzzInput> seedInputs() {
    java.util.Map<String, FuzzInput> out = new java.util.LinkedHashMap<>();
    for (FolderSeed s : seeds) {
      String file = s.mutable().get(0);
      out.putIfAbsent(s.name(), new FuzzInput(name(), -1, s.name(), file, mutator.bytes(s.folder().resolve(file)), 0,
          "no mutation"));
    }
    return new ArrayList<>(out.values());
  }

  @Override
  public FuzzInput generate(long index, SplittableRandom r) {
    FolderSeed seed = seeds.get(r.nextInt(seeds.size()));
    String file = seed.mutable().get(r.nextInt(seed.mutable().size()));
    StringBuilder log = new StringBuilder();
    byte[] b = mutator.mutate(seed.folder().resolve(file), r, log);
    return new FuzzInput(name(), index, seed.name(), file, b, 0, log.toString().trim());
  }

  @Override
  public void run(FuzzInput input, Path dir) throws Exception {
    FolderSeed seed = FolderSeed.named(seeds, input.seed());
    TokenizerExercise.run(TokenizerLocator.forPath(InputFiles.folder(seed.folder(), seed.files(), input, dir)));
  }
}
