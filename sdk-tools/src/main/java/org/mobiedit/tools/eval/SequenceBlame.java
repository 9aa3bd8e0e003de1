package org.mobiedit.tools.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.mobiedit.api.Editor;
import org.mobiedit.core.Model;

/**
 * Which edits of a sequence cost what, measured on the edits as saved: each edit's share of the neutral perplexity
 * increase, and which edits lower each neighbour that changed. Both by taking edits away from the whole patch, so
 * that every figure is an edit's effect on top of the others, not alone:
 * <ul>
 *   <li>perplexity: the edits are undone from the newest, the neutral texts scored after each; an edit's share is the
 *       drop in mean token NLL its undo gives (given the edits before it). The shares add up to the log of the final
 *       perplexity ratio exactly (a telescoping sum);</li>
 *   <li>neighbours (leave one out): for each applied edit, the patch is loaded again without it and every changed
 *       neighbour's unedited answer scored; the edit's harm on a neighbour is how much taking it away raises the
 *       answer's log-probability.</li>
 * </ul>
 * Cost: one scoring of the neutral texts per edit, and per edit one load of the patch, one undo per edit and one
 * scoring of the changed neighbours (about two minutes for 200 edits on the demo world at one thread). The editor
 * holds the whole patch again when this returns.
 */
public final class SequenceBlame {
  /** The harm (nats) from which an edit counts as lowering a neighbour in {@link EditShare#neighboursLowered}. */
  public static final double LOWERS = 1.0;
  /** How many of the edits that lower a neighbour most are listed with it. */
  public static final int WORST = 3;

  /**
   * One applied edit's cost.
   *
   * @param caseIndex the case it was made for (0-based, in dataset order)
   * @param name its name in the editor and the patch
   * @param perplexityShare its share of the log of the final neutral perplexity ratio
   * @param neighbourHarm the sum, over the changed neighbours, of how much it lowers each one's unedited answer
   *     (nats; only where it lowers it)
   * @param neighboursLowered how many changed neighbours it lowers by {@link #LOWERS} nat or more
   */
  public record EditShare(int caseIndex, String name, double perplexityShare, double neighbourHarm,
      int neighboursLowered) {}

  /**
   * A changed neighbour and the edits that lower its unedited answer most.
   *
   * @param caseIndex the case it is a neighbour of
   * @param prompt its prompt
   * @param before the unedited model's answer
   * @param now the answer with the patch
   * @param harm the sum of every edit's harm on it (nats; only edits that lower it)
   * @param worst the {@link #WORST} edits that lower it most, most first
   */
  public record NeighbourBlame(int caseIndex, String prompt, String before, String now, double harm,
      List<Culprit> worst) {
    public NeighbourBlame {
      worst = List.copyOf(worst);
    }
  }

  /** An edit and how much it lowers a neighbour's unedited answer (nats). */
  public record Culprit(int caseIndex, double harm) {}

  /**
   * The blame of a sequence.
   *
   * @param edits one per applied edit, oldest first
   * @param neighbours one per changed neighbour
   * @param perplexityLogRatio the log of the final neutral perplexity ratio that the shares add up to
   */
  public record Result(List<EditShare> edits, List<NeighbourBlame> neighbours, double perplexityLogRatio) {
    public Result {
      edits = List.copyOf(edits);
      neighbours = List.copyOf(neighbours);
    }
  }

  /** A neutral text to score: its start and the ids after it. */
  record Text(String start, int[] ids) {}

  /** A changed neighbour: the case it belongs to, its prompt, its unedited answer's ids and both answers' texts. */
  record Neighbour(int caseIndex, String prompt, int[] beforeIds, String before, String now) {}

  private final ProbeScorer scorer;
  private final Editor editor;

  SequenceBlame(Model model, Editor editor) {
    this.scorer = new ProbeScorer(model);
    this.editor = editor;
  }

  /**
   * Blames the edits of {@code patch}, which the editor holds (and holds again afterwards).
   *
   * @param caseOfEdit for each applied edit's name, the case it was made for
   * @param texts the neutral texts the final perplexity is measured on
   * @param neighbours the neighbours that changed
   */
  Result blame(Path patch, Map<String, Integer> caseOfEdit, List<Text> texts, List<Neighbour> neighbours) {
    List<String> names = List.copyOf(editor.getAppliedEdits());
    long tokens = 0;
    for (Text t : texts) {
      tokens += t.ids().length;
    }
    // perplexity: undo from the newest
    double[] share = new double[names.size()];
    double with = nll(texts);
    double all = with;
    for (int j = names.size() - 1; j >= 0; j--) {
      editor.undoLast();
      double without = nll(texts);
      share[j] = tokens == 0 ? 0 : (with - without) / tokens;
      with = without;
    }
    double logRatio = tokens == 0 ? 0 : (all - with) / tokens;
    // neighbours: leave one out
    editor.load(patch);
    double[] base = logProbs(neighbours);
    double[][] harm = new double[names.size()][];
    for (int j = 0; j < names.size(); j++) {
      editor.undo(names.get(j));
      double[] without = logProbs(neighbours);
      harm[j] = new double[neighbours.size()];
      for (int k = 0; k < neighbours.size(); k++) {
        harm[j][k] = without[k] - base[k];
      }
      while (!editor.getAppliedEdits().isEmpty()) {
        editor.undoLast();
      }
      editor.load(patch);
    }
    List<EditShare> edits = new ArrayList<>();
    for (int j = 0; j < names.size(); j++) {
      double sum = 0;
      int lowered = 0;
      for (double h : harm[j]) {
        sum += Math.max(0, h);
        lowered += h >= LOWERS ? 1 : 0;
      }
      edits.add(new EditShare(caseOf(caseOfEdit, names.get(j)), names.get(j), share[j], sum, lowered));
    }
    List<NeighbourBlame> blamed = new ArrayList<>();
    for (int k = 0; k < neighbours.size(); k++) {
      List<Culprit> culprits = new ArrayList<>();
      double sum = 0;
      for (int j = 0; j < names.size(); j++) {
        if (harm[j][k] > 0) {
          culprits.add(new Culprit(caseOf(caseOfEdit, names.get(j)), harm[j][k]));
          sum += harm[j][k];
        }
      }
      culprits.sort(Comparator.comparingDouble(Culprit::harm).reversed());
      Neighbour nb = neighbours.get(k);
      blamed.add(new NeighbourBlame(nb.caseIndex(), nb.prompt(), nb.before(), nb.now(), sum,
          culprits.subList(0, Math.min(WORST, culprits.size()))));
    }
    return new Result(edits, blamed, logRatio);
  }

  private static int caseOf(Map<String, Integer> caseOfEdit, String name) {
    Integer c = caseOfEdit.get(name);
    if (c == null) {
      throw new IllegalStateException("no case recorded for the applied edit " + name);
    }
    return c;
  }

  private double nll(List<Text> texts) {
    double sum = 0;
    for (Text t : texts) {
      sum -= scorer.logProbability(t.start(), t.ids());
    }
    return sum;
  }

  private double[] logProbs(List<Neighbour> neighbours) {
    double[] out = new double[neighbours.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = scorer.logProbability(neighbours.get(k).prompt(), neighbours.get(k).beforeIds());
    }
    return out;
  }
}
