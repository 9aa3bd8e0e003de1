package org.mobiedit.cli.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mobiedit.core.internal.generate.Sampler;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * How much of its world a model knows: for every fact and phrasing, whether each token of the object is the greedy
 * choice after the prompt (teacher-forced, ids built as the edit engine builds them). The training tool reports the
 * same figures in {@code training.json}.
 *
 * @param perPhrasing share of facts recalled in phrasing k
 * @param atLeastTwo share of facts recalled in at least two phrasings
 * @param every share of facts recalled in every phrasing
 */
public record WorldRecall(double[] perPhrasing, double atLeastTwo, double every) {
  private static final int BATCH = 64;

  public static WorldRecall measure(LanguageModel model, World world) {
    Tokenizer tok = model.tokenizer();
    int phrasings = world.relations().values().stream().mapToInt(r -> r.phrasings().size()).max().orElse(0);
    List<World.Fact> facts = world.facts();
    boolean[][] hit = new boolean[facts.size()][phrasings];
    List<int[]> rows = new ArrayList<>();
    List<int[]> answers = new ArrayList<>();
    List<int[]> where = new ArrayList<>();
    for (int f = 0; f < facts.size(); f++) {
      World.Fact fact = facts.get(f);
      int[] answer = tok.encodeContinuation(" " + fact.object());
      for (int k = 0; k < fact.relation().phrasings().size(); k++) {
        int[] prompt = tok.encodeForModel(fact.prompt(k));
        int[] row = Arrays.copyOf(prompt, prompt.length + answer.length - 1);
        System.arraycopy(answer, 0, row, prompt.length, answer.length - 1);
        rows.add(row);
        answers.add(answer);
        where.add(new int[] {f, k, prompt.length});
      }
    }
    for (int start = 0; start < rows.size(); start += BATCH) {
      int end = Math.min(rows.size(), start + BATCH);
      int[][] batch = rows.subList(start, end).toArray(new int[0][]);
      int[][] positions = new int[batch.length][];
      for (int i = 0; i < batch.length; i++) {
        int promptLength = where.get(start + i)[2];
        positions[i] = new int[answers.get(start + i).length];
        for (int j = 0; j < positions[i].length; j++) {
          positions[i][j] = promptLength - 1 + j;
        }
      }
      float[][][] logits = model.backendModel().forward(batch, positions);
      for (int i = 0; i < batch.length; i++) {
        int[] answer = answers.get(start + i);
        boolean all = true;
        for (int j = 0; j < answer.length && all; j++) {
          all = Sampler.argmax(logits[i][j]) == answer[j];
        }
        hit[where.get(start + i)[0]][where.get(start + i)[1]] = all;
      }
    }
    double[] per = new double[phrasings];
    int two = 0;
    int every = 0;
    for (boolean[] h : hit) {
      int n = 0;
      for (int k = 0; k < phrasings; k++) {
        per[k] += h[k] ? 1 : 0;
        n += h[k] ? 1 : 0;
      }
      two += n >= 2 ? 1 : 0;
      every += n == phrasings ? 1 : 0;
    }
    for (int k = 0; k < phrasings; k++) {
      per[k] /= facts.size();
    }
    return new WorldRecall(per, (double) two / facts.size(), (double) every / facts.size());
  }
}
