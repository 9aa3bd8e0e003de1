package org.mobiedit.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.WeightsFile;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.tools.synthetic.SyntheticModel;
import org.mobiedit.world.WorldModel;

/**
 * A model the kit runs: its weights, tokenizer and test rows of different lengths. Two fixtures cover both
 * architectures: the demo model (a trained 8-layer Llama, 2 M parameters, real text) and a tiny seeded Qwen2 (biases,
 * grouped-query attention, tied embeddings). Opened once per JVM through the front door
 * ({@link MobiEdit#openWeights}) and kept open (the files are memory-mapped).
 *
 * @param path the model's folder, for checks that load it through the front door ({@link MobiEdit#load})
 * @param layer the layer edits and injections use
 * @param injectAt per row, a position to inject at (inside the row)
 */
record KitFixture(String name, Path path, WeightsFile weights, int[][] rows, int layer, int[] injectAt) {

  /** The request the full-edit checks make on the demo model (a held-out-style edit of its world). */
  static final org.mobiedit.api.EditRequest WORLD_EDIT =
      org.mobiedit.api.EditRequest.of("Zevour", "{} was born in", "Gaizobu");

  ModelSpec spec() {
    return weights.spec();
  }

  Tokenizer tokenizer() {
    return weights.tokenizer();
  }

  /** For every row, its last position and one before it (for rows of two tokens or more). */
  int[][] logitPositions() {
    int[][] out = new int[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      int n = rows[r].length;
      out[r] = n > 1 ? new int[] {n - 2, n - 1} : new int[] {0};
    }
    return out;
  }

  /** For every row, the positions from its injection point on (what resume may be asked for). */
  int[][] positionsFromInjection() {
    int[][] out = new int[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = java.util.stream.IntStream.range(injectAt[r], rows[r].length).toArray();
    }
    return out;
  }

  static KitFixture world() {
    return Holder.WORLD;
  }

  static KitFixture tinyQwen2() {
    return Holder.QWEN2;
  }

  static List<KitFixture> all() {
    return List.of(world(), tinyQwen2());
  }

  /** Lazy, thread-safe, once per JVM (the holder idiom: nothing runs until a check needs a fixture). */
  private static final class Holder {
    static final KitFixture WORLD = openWorld();
    static final KitFixture QWEN2 = openTinyQwen2();

    private static KitFixture openWorld() {
      Path dir = WorldModel.extract();
      WeightsFile m = MobiEdit.openWeights(dir);
      Tokenizer t = m.tokenizer();
      List<String> prompts = List.of("Zevour was born in", "The birthplace of Dretin is",
          "Fernalthan came into the world in", "Zevour is a native of", "Vopouvom");
      int[][] rows = prompts.stream().map(t::encodeForModel).toArray(int[][]::new);
      int[] at = new int[rows.length];
      for (int r = 0; r < rows.length; r++) {
        at[r] = Math.max(0, rows[r].length - 3);
      }
      return new KitFixture(WorldModel.NAME, dir, m, rows, WorldModel.EDIT_LAYER, at);
    }

    private static KitFixture openTinyQwen2() {
      ModelSpec spec = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(64).intermediateSize(96)
          .layers(3).heads(4).kvHeads(2).vocabSize(300).contextLength(64).rmsNormEps(1e-6f).ropeTheta(1e6)
          .tiedEmbeddings(true).attentionBias(true).build();
      try {
        Path dir = Files.createTempDirectory("mobiedit-tck-qwen2-");
        dir.toFile().deleteOnExit();
        SyntheticModel.writeHf(spec, dir, 7, DType.F32);
        try (var files = Files.list(dir)) {
          files.forEach(f -> f.toFile().deleteOnExit());
        }
        WeightsFile m = MobiEdit.openWeights(dir);
        SplittableRandom random = new SplittableRandom(11);
        int[] lengths = {7, 3, 12, 1, 9};
        int[][] rows = new int[lengths.length][];
        int[] at = new int[lengths.length];
        for (int r = 0; r < rows.length; r++) {
          rows[r] = random.ints(lengths[r], 0, spec.vocabSize()).toArray();
          at[r] = lengths[r] / 2;
        }
        return new KitFixture("tiny-qwen2", dir, m, rows, 1, at);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
