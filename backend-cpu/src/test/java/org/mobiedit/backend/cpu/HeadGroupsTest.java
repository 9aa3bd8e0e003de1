package org.mobiedit.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.kernel.DotProduct;
import org.mobiedit.backend.cpu.kernel.DotProducts;
import org.mobiedit.backend.cpu.kernel.Workers;
import org.mobiedit.backend.cpu.model.KvCache;
import org.mobiedit.backend.cpu.model.Transformer;
import org.mobiedit.spi.ModelSpec;

/**
 * The LM head in groups of positions (what a small heap gets) gives every position the same logits, bit for bit, as
 * one pass over all positions (what a desktop gets), in both precisions that store the head differently.
 */
class HeadGroupsTest {
  @Test
  void logitsComputedOnePositionAtATimeEqualOnePassOverAll() {
    ModelSpec spec = TinyModels.qwen2().build();
    TinyModels.Weights w = TinyModels.random(spec, 11);
    int[] tokens = {5, 17, 3, 90, 42, 8, 61};
    int[] all = {0, 1, 2, 3, 4, 5, 6};
    for (DotProduct kernel : new DotProduct[] {DotProducts.select("scalar"), DotProducts.select("vector")}) {
      for (Precision p : new Precision[] {Precision.FP32, Precision.INT8}) {
        Transformer wide = Transformer.load(w, p, new Workers(1), kernel, null, Long.MAX_VALUE);
        Transformer narrow = Transformer.load(w, p, new Workers(1), kernel, null, 1);
        float[][] expected = wide.forward(cache(spec), tokens, all);
        int[] calls = new int[1];
        float[][] actual = new float[all.length][];
        narrow.run(cache(spec), narrow.embed(tokens), tokens.length, 1, 0, spec.layers(), null, all,
            (i, logits, from) -> {
              assertEquals(calls[0]++, i, "positions in order");
              actual[i] = java.util.Arrays.copyOfRange(logits, from, from + spec.vocabSize());
            });
        for (int i = 0; i < all.length; i++) {
          assertArrayEquals(expected[i], actual[i], kernel.name() + " " + p + " position " + i);
        }
      }
    }
  }

  private static KvCache cache(ModelSpec spec) {
    return new KvCache(spec.layers(), spec.kvDim(), 16);
  }
}
