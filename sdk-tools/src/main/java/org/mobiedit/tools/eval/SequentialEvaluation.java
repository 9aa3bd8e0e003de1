package org.mobiedit.tools.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.AnswerScore;
import org.mobiedit.core.Model;

/**
 * Edits that accumulate: the cases are edited one after the other into the same model, in order, as an app's user
 * would over time, and after every {@code every} edits (and after the last) every edit made so far is measured again.
 * What a single-edit benchmark cannot see: whether later edits undo earlier ones, and whether the model as a whole
 * drifts.
 *
 * <p>Measured at each checkpoint, over the cases edited so far: how many still hold (every target token is the
 * argmax after the edited prompt; an edit that failed counts as not holding), their paraphrases (mean token
 * accuracy), their neighbours (agreement with the unedited model's answers, recorded before the first edit; a
 * neighbour whose subject was itself edited since is left out), their portability probes, and the perplexity of
 * neutral text: texts the unedited model sampled itself from plain starts (seeded, up to its end of text), scored
 * teacher-forced, so drift of the model's general behaviour shows without a corpus. A text that names a subject
 * edited so far is left out (its change is the edit's purpose, not drift), and the ratio compares the same texts
 * before and after.
 *
 * <p>At the end, the edits are saved as a patch, all undone (the neutral perplexity must come back exactly, bit for
 * bit), and the patch is loaded again (the last checkpoint's retention must come back): edits are applied, undone and
 * stored exactly.
 */
public final class SequentialEvaluation {
  private static final String[] STARTS = {"The", "Once upon a time", "In", "A", "He", "She", "It", "They"};

  /**
   * The figures after {@code edits} edits.
   *
   * @param edits cases edited so far
   * @param succeeded of them, those whose edit succeeded when it was made
   * @param retention share of the cases edited so far that hold now
   * @param generalization mean paraphrase token accuracy over them (null without paraphrases)
   * @param locality mean agreement of their neighbours with the unedited model (null without neighbours)
   * @param portability mean portability token accuracy (null without probes)
   * @param neutralTexts how many neutral texts name no edited subject, and are scored
   * @param perplexity of those texts now
   * @param perplexityRatio that over the unedited model's on the same texts
   * @param meanSteps mean steps of the edits since the previous checkpoint (those the engine refused left out)
   * @param seconds wall time since the run began
   */
  public record Checkpoint(int edits, int succeeded, double retention, @Nullable Double generalization,
      @Nullable Double locality, @Nullable Double portability, int neutralTexts, double perplexity,
      double perplexityRatio, double meanSteps, double seconds) {}

  /**
   * The run's end: the checkpoints, and the exactness checks.
   *
   * @param checkpoints in order
   * @param baselinePerplexity the unedited model's perplexity of all the neutral texts
   * @param undoneExactly whether undoing every edit gave back the unedited perplexity bit for bit
   * @param reloadedRetention the retention after the saved patch was loaded again (equal to the last checkpoint's)
   * @param holdingAtEnd for each case in order, whether its edit holds with the reloaded patch (what the retention
   *     counts; for finding which edits later ones undid)
   * @param neighboursChangedAtEnd for each case in order, its neighbours whose answer with the reloaded patch no longer
   *     agrees with the unedited model's (those naming an edited subject left out; for finding which edits disturb
   *     which neighbours)
   * @param blame which edits cost the final perplexity and the changed neighbours, when asked for
   *     ({@link #withBlame()}), else null
   */
  public record Outcome(List<Checkpoint> checkpoints, double baselinePerplexity, boolean undoneExactly,
      double reloadedRetention, List<Boolean> holdingAtEnd, List<List<ChangedNeighbour>> neighboursChangedAtEnd,
      SequenceBlame.@Nullable Result blame) {
    public Outcome {
      holdingAtEnd = List.copyOf(holdingAtEnd);
      neighboursChangedAtEnd = neighboursChangedAtEnd.stream().map(List::copyOf)
          .collect(java.util.stream.Collectors.toUnmodifiableList());
    }
  }

  /**
   * A neighbour prompt whose answer changed.
   *
   * @param prompt the neighbour prompt
   * @param before the unedited model's answer it was scored on
   * @param now the greedy answer of as many tokens now
   */
  public record ChangedNeighbour(String prompt, String before, String now) {}

  /** A case's probes as ids, and its neighbours' unedited answers. */
  private record Prepared(EditCase c, int[] target, List<int[]> localityIds, List<AnswerScore> localityBefore,
      List<int[]> portabilityIds) {}

  /**
   * A neutral text: a start, the continuation the unedited model sampled, its text, and that model's total negative
   * log-likelihood of it.
   */
  private record Neutral(String start, int[] ids, String text, double nllBefore) {}

  private final Model model;
  private final Editor editor;
  private final ProbeScorer scorer;
  private boolean blame;
  private final List<Neutral> neutral = new ArrayList<>();

  /**
   * @param model the model, unedited
   * @param editor an editor on it, with the options every edit uses and nothing applied
   * @param neutralTexts how many neutral texts to sample
   * @param neutralTokens the length of each
   * @param seed the sampling seed
   */
  public SequentialEvaluation(Model model, Editor editor, int neutralTexts, int neutralTokens, long seed) {
    if (!editor.getAppliedEdits().isEmpty()) {
      throw new IllegalArgumentException("the editor already holds edits " + editor.getAppliedEdits());
    }
    this.model = model;
    this.editor = editor;
    this.scorer = new ProbeScorer(model);
    for (int i = 0; i < neutralTexts; i++) {
      String start = STARTS[i % STARTS.length];
      GenerationOptions sample = GenerationOptions.builder().maxTokens(neutralTokens).temperature(1f).topK(40)
          .seed(seed + i).build();
      Generation g = model.generate(start, sample);
      if (g.getGeneratedIds().length > 0) {
        neutral.add(new Neutral(start, g.getGeneratedIds(), start + g.getText(),
            nll(start, g.getGeneratedIds())));
      }
    }
  }

  /**
   * Also blames the edits at the end of {@link #run} ({@link SequenceBlame}; {@link Outcome#blame()}): a cost of
   * about two passes over the checks per edit.
   *
   * @return this
   */
  public SequentialEvaluation withBlame() {
    this.blame = true;
    return this;
  }

  /**
   * Edits every case in order, measuring after every {@code every} edits and after the last.
   *
   * @param patch where the edits are saved at the end (then undone and loaded again)
   * @param onEdit called after each edit with the case's index and result (progress)
   * @param onCheckpoint called with each checkpoint as it is measured
   */
  public Outcome run(List<EditCase> cases, int every, Path patch, EditProgress onEdit,
      Consumer<Checkpoint> onCheckpoint) {
    double baseline = perplexity(List.of()).perplexity();
    List<Prepared> prepared = new ArrayList<>();
    for (EditCase c : cases) {
      prepared.add(prepare(c));
    }
    long start = System.nanoTime();
    List<Checkpoint> checkpoints = new ArrayList<>();
    int succeeded = 0;
    long steps = 0;
    int sinceCheckpoint = 0;
    BitSet refused = new BitSet();
    Map<String, Integer> caseOfEdit = new HashMap<>();
    for (int i = 0; i < prepared.size(); i++) {
      try {
        List<String> before = List.copyOf(editor.getAppliedEdits());
        EditResult r = editor.edit(prepared.get(i).c().request());
        for (String name : editor.getAppliedEdits()) {
          if (!before.contains(name)) {
            caseOfEdit.put(name, i);
          }
        }
        succeeded += r.isSuccess() ? 1 : 0;
        steps += r.getSteps();
        sinceCheckpoint++;
        onEdit.edited(i, r);
      } catch (MobiEditException e) {
        // An edit the engine refuses (the model is left as it was) is a failed edit, as an app would count it; the
        // sequence goes on.
        refused.set(i);
        onEdit.aborted(i, e);
      }
      if ((i + 1) % every == 0 || i + 1 == prepared.size()) {
        Checkpoint cp = measure(prepared.subList(0, i + 1), refused, succeeded,
            sinceCheckpoint == 0 ? 0 : (double) steps / sinceCheckpoint, (System.nanoTime() - start) / 1e9);
        checkpoints.add(cp);
        onCheckpoint.accept(cp);
        steps = 0;
        sinceCheckpoint = 0;
      }
    }
    editor.save(patch);
    while (!editor.getAppliedEdits().isEmpty()) {
      editor.undoLast();
    }
    boolean exact = perplexity(List.of()).ratio() == 1.0;
    editor.load(patch);
    BitSet holding = holding(prepared, refused);
    List<Boolean> holdingAtEnd = new ArrayList<>();
    List<List<ChangedNeighbour>> changed = new ArrayList<>();
    List<SequenceBlame.Neighbour> toBlame = new ArrayList<>();
    List<String> editedSubjects = subjects(prepared);
    for (int i = 0; i < prepared.size(); i++) {
      holdingAtEnd.add(holding.get(i));
      changed.add(changedNeighbours(i, prepared.get(i), editedSubjects, toBlame));
    }
    SequenceBlame.Result blamed = null;
    if (blame) {
      List<SequenceBlame.Text> texts = new ArrayList<>();
      for (Neutral n : neutral) {
        if (!mentionsAny(n.text(), editedSubjects)) {
          texts.add(new SequenceBlame.Text(n.start(), n.ids()));
        }
      }
      blamed = new SequenceBlame(model, editor).blame(patch, caseOfEdit, texts, toBlame);
    }
    return new Outcome(checkpoints, baseline, exact, (double) holding.cardinality() / prepared.size(), holdingAtEnd,
        changed, blamed);
  }

  /**
   * The neutral texts as sampled: each start and the token ids that follow it (for a peer scoring the same texts).
   */
  public List<NeutralText> neutralTexts() {
    List<NeutralText> out = new ArrayList<>();
    for (Neutral n : neutral) {
      out.add(new NeutralText(n.start(), n.ids().clone(), n.text()));
    }
    return out;
  }

  /** A neutral text: its start, the ids sampled after it, and the whole text. */
  public record NeutralText(String start, int[] ids, String text) {}

  /** Reports each edit as it is made. */
  @FunctionalInterface
  public interface EditProgress {
    void edited(int index, EditResult result);

    /** The edit at {@code index} was refused with {@code failure} (the model unchanged); it counts as failed. */
    default void aborted(int index, MobiEditException failure) {}
  }

  private Prepared prepare(EditCase c) {
    List<int[]> localityIds = new ArrayList<>();
    List<AnswerScore> before = new ArrayList<>();
    for (Probe p : c.locality()) {
      int[] ids = scorer.localityAnswer(p);
      localityIds.add(ids);
      before.add(scorer.score(p.prompt(), ids));
    }
    List<int[]> portability = new ArrayList<>();
    for (Probe p : c.portability()) {
      portability.add(p.answer() == null ? null : scorer.answerIds(p.answer()));
    }
    return new Prepared(c, scorer.answerIds(c.request().getNewObject()), localityIds, before, portability);
  }

  private Checkpoint measure(List<Prepared> done, BitSet refused, int succeeded, double meanSteps,
      double seconds) {
    Mean para = new Mean();
    Mean locality = new Mean();
    Mean portability = new Mean();
    List<String> editedSubjects = subjects(done);
    for (Prepared p : done) {
      for (String phrasing : p.c().paraphrases()) {
        para.add(scorer.score(phrasing, p.target()).tokenAccuracy());
      }
      for (int k = 0; k < p.c().locality().size(); k++) {
        String prompt = p.c().locality().get(k).prompt();
        if (mentionsAny(prompt, editedSubjects)) {
          continue;
        }
        locality.add(scorer.score(prompt, p.localityIds().get(k)).agreement(p.localityBefore().get(k)));
      }
      for (int k = 0; k < p.c().portability().size(); k++) {
        int[] ids = p.portabilityIds().get(k);
        if (ids != null) {
          portability.add(scorer.score(p.c().portability().get(k).prompt(), ids).tokenAccuracy());
        }
      }
    }
    Perplexity ppl = perplexity(editedSubjects);
    return new Checkpoint(done.size(), succeeded, retention(done, refused), para.value(), locality.value(),
        portability.value(), ppl.texts(), ppl.perplexity(), ppl.ratio(), meanSteps, seconds);
  }

  private static List<String> subjects(List<Prepared> done) {
    List<String> subjects = new ArrayList<>();
    for (Prepared p : done) {
      subjects.add(p.c().request().getSubject());
    }
    return subjects;
  }

  /**
   * The neighbour prompts of case {@code index}, {@code p} (naming no edited subject), whose answer disagrees with the
   * unedited one; each is also added to {@code toBlame}.
   */
  private List<ChangedNeighbour> changedNeighbours(int index, Prepared p, List<String> editedSubjects,
      List<SequenceBlame.Neighbour> toBlame) {
    List<ChangedNeighbour> changed = new ArrayList<>();
    for (int k = 0; k < p.c().locality().size(); k++) {
      String prompt = p.c().locality().get(k).prompt();
      int[] before = p.localityIds().get(k);
      if (!mentionsAny(prompt, editedSubjects)
          && scorer.score(prompt, before).agreement(p.localityBefore().get(k)) < 1) {
        ChangedNeighbour c = new ChangedNeighbour(prompt, model.tokenizer().decode(before),
            model.tokenizer().decode(scorer.greedy(prompt, before.length)));
        changed.add(c);
        toBlame.add(new SequenceBlame.Neighbour(index, prompt, before, c.before(), c.now()));
      }
    }
    return changed;
  }

  /** Share of the cases whose new object is the model's answer now (every target token the argmax). */
  private double retention(List<Prepared> done, BitSet refused) {
    return (double) holding(done, refused).cardinality() / done.size();
  }

  /** The cases whose new object is the model's answer now. */
  private BitSet holding(List<Prepared> done, BitSet refused) {
    BitSet holding = new BitSet();
    for (int i = 0; i < done.size(); i++) {
      Prepared p = done.get(i);
      // A refused edit does not hold (its prompt may be one the model cannot even read).
      if (!refused.get(i) && scorer.score(p.c().request().getPrompt(), p.target()).tokenAccuracy() == 1.0) {
        holding.set(i);
      }
    }
    return holding;
  }

  /** Whether {@code prompt} names one of the subjects as a whole phrase. */
  public static boolean mentionsAny(String prompt, List<String> subjects) {
    String padded = " " + prompt + " ";
    for (String s : subjects) {
      int at = padded.indexOf(s);
      while (at >= 0) {
        char before = padded.charAt(at - 1);
        char after = at + s.length() < padded.length() ? padded.charAt(at + s.length()) : ' ';
        if (!Character.isLetterOrDigit(before) && !Character.isLetterOrDigit(after)) {
          return true;
        }
        at = padded.indexOf(s, at + 1);
      }
    }
    return false;
  }

  /**
   * The perplexity of the neutral texts that name none of {@code edited}: exp of the mean token NLL over them, and
   * its ratio to the unedited model's on the same texts (1 exactly when every NLL is as it was).
   */
  private Perplexity perplexity(List<String> edited) {
    double now = 0;
    double before = 0;
    long tokens = 0;
    int texts = 0;
    for (Neutral n : neutral) {
      if (mentionsAny(n.text(), edited)) {
        continue;
      }
      now += nll(n.start(), n.ids());
      before += n.nllBefore();
      tokens += n.ids().length;
      texts++;
    }
    if (texts == 0) {
      return new Perplexity(0, Double.NaN, Double.NaN);
    }
    return new Perplexity(texts, Math.exp(now / tokens), now == before ? 1.0 : Math.exp((now - before) / tokens));
  }

  private record Perplexity(int texts, double perplexity, double ratio) {}

  private double nll(String start, int[] ids) {
    return -scorer.logProbability(start, ids);
  }

  /** A running mean that is null when nothing was added. */
  private static final class Mean {
    private double sum;
    private int n;

    void add(double v) {
      sum += v;
      n++;
    }

    @Nullable Double value() {
      return n == 0 ? null : sum / n;
    }
  }
}
