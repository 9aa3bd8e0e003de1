package org.mobiedit.core.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobiedit.core.internal.format.safetensors.SafetensorsHeader;

/**
 * A mutated safetensors header given to {@code SafetensorsHeader.read}. The file keeps its seed's data size (as a
 * sparse tail of zeros), so offsets and sizes are checked against a file of the real length.
 */
final class SafetensorsHeaderTarget implements FuzzTarget {
  private final Map<String, Path> seeds;
  private final SeedMutator mutator;

  SafetensorsHeaderTarget(Map<String, Path> seeds, SeedMutator mutator) {
    this.seeds = seeds;
    this.mutator = mutator;
  }

  @Override
  public String name() {
    return "safetensors-header";
  }

  @Override
  public List<String> seeds() {
    return new ArrayList<>(seeds.keySet());
  }

  @Override
  public List<FuzzInput> seedInputs() {
    List<FuzzInput> out = new ArrayList<>();
    seeds.forEach((name, p) -> {
      byte[] header = mutator.safetensorsHeader(p);
      out.add(new FuzzInput(name(), -1, name, "model.safetensors", header, mutator.bytes(p).length, "no mutation"));
    });
    return out;
  }

  @Override
  public FuzzInput generate(long index, SplittableRandom r) {
    String seed = seeds().get(r.nextInt(seeds.size()));
    Path file = seeds.get(seed);
    StringBuilder log = new StringBuilder();
    byte[] header = mutator.mutateSafetensorsHeader(file, r, log);
    long data = mutator.bytes(file).length - mutator.safetensorsHeader(file).length;
    return new FuzzInput(name(), index, seed, "model.safetensors", header, header.length + data,
        log.toString().trim());
  }

  @Override
  public void run(FuzzInput input, Path dir) throws Exception {
    SafetensorsHeader h = SafetensorsHeader.read(InputFiles.write(input, dir));
    h.byName().size();
  }
}
