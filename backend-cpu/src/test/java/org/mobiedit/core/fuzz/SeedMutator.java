package org.mobiedit.core.fuzz;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Chooses the mutations for a seed file by its kind (GGUF, safetensors, JSON, merges.txt) and keeps each seed's
 * parsed form (GGUF layout, JSON tree, lines) so that it is parsed once per campaign, not once per input.
 */
final class SeedMutator {
  private final SeedFiles seeds;
  private final Map<Path, GgufLayout> layouts = new HashMap<>();
  private final Map<Path, JsonTree.Node> trees = new HashMap<>();
  private final Map<Path, List<String>> lines = new HashMap<>();

  SeedMutator(SeedFiles seeds) {
    this.seeds = seeds;
  }

  byte[] bytes(Path file) {
    return seeds.read(file);
  }

  synchronized GgufLayout gguf(Path file) {
    return layouts.computeIfAbsent(file, f -> GgufLayout.parse(seeds.read(f)));
  }

  /** The header (length field + JSON) of a safetensors seed. */
  byte[] safetensorsHeader(Path file) {
    byte[] b = seeds.read(file);
    return Arrays.copyOf(b, 8 + (int) LittleEndian.get(b, 0, 8));
  }

  synchronized JsonTree.Node json(Path file, byte[] text) {
    return trees.computeIfAbsent(file, f -> JsonTree.parse(new String(text, StandardCharsets.UTF_8)));
  }

  /**
   * A mutated copy of a seed file. For {@code model.safetensors} it is the mutated header followed by the seed's
   * tensor data.
   */
  byte[] mutate(Path file, SplittableRandom r, StringBuilder log) {
    String name = file.getFileName().toString();
    byte[] seed = seeds.read(file);
    if (name.endsWith(".gguf")) {
      return GgufMutations.mutate(gguf(file), null, r, log);
    }
    if (name.endsWith(".safetensors")) {
      byte[] header = safetensorsHeader(file);
      byte[] mutated = mutateSafetensorsHeader(file, r, log);
      byte[] out = Arrays.copyOf(mutated, mutated.length + seed.length - header.length);
      System.arraycopy(seed, header.length, out, mutated.length, seed.length - header.length);
      return out;
    }
    if (name.endsWith(".json")) {
      return JsonMutations.mutate(json(file, seed), seed, r, log);
    }
    if (name.equals("merges.txt")) {
      return MergesMutations.mutate(lines(file, seed), seed, r, log);
    }
    return ByteMutations.mutate(seed, seed.length, null, r, log);
  }

  byte[] mutateSafetensorsHeader(Path file, SplittableRandom r, StringBuilder log) {
    byte[] header = safetensorsHeader(file);
    JsonTree.Node tree;
    synchronized (this) {
      tree = trees.computeIfAbsent(file,
          f -> JsonTree.parse(new String(header, 8, header.length - 8, StandardCharsets.UTF_8)));
    }
    return SafetensorsMutations.mutateHeader(tree, header, r, log);
  }

  private synchronized List<String> lines(Path file, byte[] seed) {
    return lines.computeIfAbsent(file,
        f -> List.of(new String(seed, StandardCharsets.UTF_8).split("\n", -1)));
  }
}
