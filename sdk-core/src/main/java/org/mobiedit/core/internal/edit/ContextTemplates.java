package org.mobiedit.core.internal.edit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mobiedit.core.internal.generate.Sampler;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.InferenceSequence;

/**
 * The context templates of an edit: the plain prompt ({@code "{}"}) plus short prefixes sampled from the model
 * itself ("The first time. {}"), as ROME and MobiEdit do — but deterministically: a seeded sampler over the top few
 * tokens, so the same model and seed always give the same templates.
 */
final class ContextTemplates {
  private static final String[] STARTS = {"The", "Therefore", "Because", "I", "You"};
  private static final int PREFIX_TOKENS = 3;
  private static final int TOP_K = 5;

  private ContextTemplates() {}

  static List<String> generate(BackendModel model, Tokenizer tok, int count, long seed) {
    List<String> out = new ArrayList<>();
    out.add("{}");
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = 0; i < count; i++) {
      String start = STARTS[i % STARTS.length];
      int[] ids = tok.encodeForModel(start);
      StringBuilder text = new StringBuilder(start);
      text.append(tok.decode(sample(model, ids, PREFIX_TOKENS - 1, random, TOP_K)));
      String prefix = Whitespace.strip(text.toString().replace("{", "").replace("}", ""));
      out.add(prefix + ". {}");
    }
    return out;
  }

  /**
   * {@code count} tokens continuing {@code start}, each a seeded draw from the softmax over the {@code topK} largest
   * logits ({@link Sampler#draw}): the model's own text, for context templates and key statistics.
   */
  static int[] sample(BackendModel model, int[] start, int count, SplittableRandom random, int topK) {
    int[] out = new int[count];
    try (InferenceSequence seq = model.newSequence(Math.min(model.spec().contextLength(), start.length + count))) {
      float[] logits = seq.append(start);
      for (int t = 0; t < count; t++) {
        out[t] = Sampler.draw(logits, topK, 1, 1, random);
        if (t + 1 < count) {
          logits = seq.append(new int[] {out[t]});
        }
      }
    }
    return out;
  }
}
