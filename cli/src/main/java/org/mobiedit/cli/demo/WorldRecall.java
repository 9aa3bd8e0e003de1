package org.mobiedit.cli.demo;

import java.util.ArrayList;
import java.util.List;
import org.mobiedit.core.AnswerScore;
import org.mobiedit.core.Model;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * How much of its world a model knows: for every fact and phrasing, whether each token of the object is the greedy
 * choice after the prompt (teacher-forced by {@link Model#scoreAll}, ids built as the edit engine builds them). The
 * training tool reports the same figures in {@code training.json}.
 *
 * @param perPhrasing share of facts recalled in phrasing k
 * @param atLeastTwo share of facts recalled in at least two phrasings
 * @param every share of facts recalled in every phrasing
 */
public record WorldRecall(double[] perPhrasing, double atLeastTwo, double every) {

  public static WorldRecall measure(Model model, World world) {
    Tokenizer tok = model.tokenizer();
    int phrasings = world.relations().values().stream().mapToInt(r -> r.phrasings().size()).max().orElse(0);
    List<World.Fact> facts = world.facts();
    List<String> prompts = new ArrayList<>();
    List<int[]> answers = new ArrayList<>();
    List<int[]> where = new ArrayList<>();
    for (int f = 0; f < facts.size(); f++) {
      World.Fact fact = facts.get(f);
      int[] answer = tok.encodeContinuation(" " + fact.object());
      for (int k = 0; k < fact.relation().phrasings().size(); k++) {
        prompts.add(fact.prompt(k));
        answers.add(answer);
        where.add(new int[] {f, k});
      }
    }
    boolean[][] hit = new boolean[facts.size()][phrasings];
    List<AnswerScore> scores = model.scoreAll(prompts, answers);
    for (int i = 0; i < scores.size(); i++) {
      hit[where.get(i)[0]][where.get(i)[1]] = scores.get(i).isGreedyAnswer();
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
