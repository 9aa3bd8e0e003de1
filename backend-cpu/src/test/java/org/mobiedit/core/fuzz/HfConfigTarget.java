package org.mobiedit.core.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobiedit.core.internal.format.hf.HfConfig;

/** A mutated {@code config.json} given to {@code HfConfig.read} (with and without an {@code lm_head} present). */
final class HfConfigTarget implements FuzzTarget {
  private final Map<String, Path> seeds;
  private final SeedMutator mutator;

  /** @param seeds config.json files by seed name */
  HfConfigTarget(Map<String, Path> seeds, SeedMutator mutator) {
    this.seeds = seeds;
    this.mutator = mutator;
  }

  @Override
  public String name() {
    return "hf-config";
  }

  @Override
  public List<String> seeds() {
    return new ArrayList<>(seeds.keySet());
  }

  @Override
  public List<FuzzInput> seedInputs() {
    List<FuzzInput> out = new ArrayList<>();
    seeds.forEach((name, p) -> out.add(new FuzzInput(name(), -1, name, "config.json", mutator.bytes(p), 0,
        "no mutation")));
    return out;
  }

  @Override
  public FuzzInput generate(long index, SplittableRandom r) {
    String seed = seeds().get(r.nextInt(seeds.size()));
    StringBuilder log = new StringBuilder();
    byte[] b = mutator.mutate(seeds.get(seed), r, log);
    return new FuzzInput(name(), index, seed, "config.json", b, 0, log.toString().trim());
  }

  @Override
  public void run(FuzzInput input, Path dir) throws Exception {
    HfConfig.read(InputFiles.write(input, dir), input.index() % 2 == 0).toString();
  }
}
