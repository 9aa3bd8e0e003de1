package org.mobiedit.core.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.internal.model.TokenizerLocator;

/**
 * A mutated GGUF file given to the header reader ({@code gguf-header}: {@code GgufFile.open}) or to the tokenizer
 * loader ({@code gguf-tokenizer}: {@code TokenizerLocator.forPath}, then encoding and decoding). One input in fifty
 * is a sparse 3 GB file whose header claims an array of a billion or 2^31 elements, which a check against the file
 * size alone lets through.
 */
final class GgufFileTarget implements FuzzTarget {
  private final String name;
  private final boolean tokenizer;
  private final List<Path> seeds;
  private final SeedMutator mutator;

  private GgufFileTarget(String name, boolean tokenizer, List<Path> seeds, SeedMutator mutator) {
    this.name = name;
    this.tokenizer = tokenizer;
    this.seeds = seeds;
    this.mutator = mutator;
  }

  static GgufFileTarget header(List<Path> seeds, SeedMutator mutator) {
    return new GgufFileTarget("gguf-header", false, seeds, mutator);
  }

  static GgufFileTarget tokenizer(List<Path> seeds, SeedMutator mutator) {
    return new GgufFileTarget("gguf-tokenizer", true, seeds, mutator);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> seeds() {
    List<String> out = new ArrayList<>();
    seeds.forEach(p -> out.add(p.getFileName().toString()));
    return out;
  }

  @Override
  public List<FuzzInput> seedInputs() {
    List<FuzzInput> out = new ArrayList<>();
    for (Path p : seeds) {
      out.add(new FuzzInput(name, -1, p.getFileName().toString(), "model.gguf", mutator.bytes(p), 0, "no mutation"));
    }
    return out;
  }

  @Override
  public FuzzInput generate(long index, SplittableRandom r) {
    Path seed = seeds.get(r.nextInt(seeds.size()));
    StringBuilder log = new StringBuilder();
    GgufLayout layout = mutator.gguf(seed);
    byte[] b;
    long sparse = 0;
    List<GgufLayout.Field> counts = layout.fields.get(GgufLayout.Kind.ARRAY_COUNT);
    if (r.nextInt(50) == 0 && counts != null) {
      GgufLayout.Field f = counts.get(r.nextInt(counts.size()));
      long v = new long[] {1_000_000_000L, (1L << 31) + 7, Integer.MAX_VALUE}[r.nextInt(3)];
      b = layout.bytes.clone();
      LittleEndian.put(b, f.offset(), 8, v);
      sparse = 3L << 30;
      log.append(" sparse 3 GB file; count of ").append(f.what()).append(" := ").append(v).append(';');
    } else {
      b = GgufMutations.mutate(layout, mutator.bytes(seeds.get(r.nextInt(seeds.size()))), r, log);
    }
    return new FuzzInput(name, index, seed.getFileName().toString(), "model.gguf", b, sparse, log.toString().trim());
  }

  @Override
  public void run(FuzzInput input, Path dir) throws Exception {
    Path file = InputFiles.write(input, dir);
    if (tokenizer) {
      TokenizerExercise.run(TokenizerLocator.forPath(file));
      return;
    }
    try (GgufFile gguf = GgufFile.open(file)) {
      gguf.metadata().size();
      gguf.tensors().size();
    }
  }
}
