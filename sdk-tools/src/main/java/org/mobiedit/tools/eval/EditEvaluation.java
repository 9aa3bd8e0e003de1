package org.mobiedit.tools.eval;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.core.AnswerScore;
import org.mobiedit.core.Model;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.numerics.ActivationScales;
import org.mobiedit.tools.memory.ProcessMemory;

/**
 * Runs one benchmark case: the edit on the unedited model, every metric after it, then undo, and the unedited
 * model's answers to the same probes, measured after the undo under the scales the edit calibrated (with static
 * activation quantization), so that both sides differ by the edit's weights alone. The model is left as it was found (the editor keeps every successful edit
 * only until this case is scored).
 */
public final class EditEvaluation {
  /** Tokens of the unedited model's own continuation used as the answer of a locality probe without one. */
  static final int LOCALITY_TOKENS = 4;

  private final Model model;
  private final Editor editor;
  private final ProbeScorer scorer;

  /**
   * @param model the model the cases are scored on
   * @param editor an editor opened on that very model ({@link org.mobiedit.core.MobiEdit#open(Model,
   *     org.mobiedit.api.EditOptions)}), whose options every case's edit uses
   */
  public EditEvaluation(Model model, Editor editor) {
    this.model = model;
    this.editor = editor;
    this.scorer = new ProbeScorer(model);
  }

  public CaseResult run(EditCase c) {
    // Locality probes without an answer are teacher-forced on the unedited model's own continuation (any token
    // sequence serves: both sides are scored on the same ids).
    List<int[]> localityIds = new ArrayList<>();
    for (Probe p : c.locality()) {
      localityIds.add(scorer.localityAnswer(p));
    }
    int applied = editor.getAppliedEdits().size();
    ProcessMemory.resetPeak();
    EditResult r = editor.edit(c.request());
    long peak = ProcessMemory.peakResidentBytes().orElse(0);
    int[] target = scorer.answerIds(c.request().getNewObject());
    int[] truth = c.trueObject() == null ? null : scorer.answerIds(c.trueObject());

    AnswerScore rewrite = scorer.score(c.request().getPrompt(), target);
    List<AnswerScore> para = new ArrayList<>();
    for (String p : c.paraphrases()) {
      para.add(scorer.score(p, target));
    }
    List<AnswerScore> port = new ArrayList<>();
    for (Probe p : c.portability()) {
      if (p.answer() != null) {
        port.add(scorer.score(p.prompt(), scorer.answerIds(p.answer())));
      }
    }
    List<AnswerScore> localityAfter = new ArrayList<>();
    for (int i = 0; i < c.locality().size(); i++) {
      localityAfter.add(scorer.score(c.locality().get(i).prompt(), localityIds.get(i)));
    }
    Double efficacy = null;
    Double paraphraseScore = null;
    Double neighborhood = null;
    if (truth != null) {
      efficacy = newBeatsTrue(c.request().getPrompt(), target, truth) ? 1.0 : 0.0;
      paraphraseScore = share(c.paraphrases(), p -> newBeatsTrue(p, target, truth));
      neighborhood = share(c.locality(), p -> !newBeatsTrue(p.prompt(), target, truth));
    }

    // The unedited side, under the same activation scales as the edit: undo puts back the scales the edit found, so
    // the edit's are set again for the measurement and the found ones after it (the metric isolates the weights).
    BackendModel backend = model.backendModel();
    ActivationScales editScales = backend.activationScales();
    if (editor.getAppliedEdits().size() > applied) {
      editor.undoLast();
    }
    ActivationScales found = backend.activationScales();
    backend.restoreActivationScales(editScales);
    AnswerScore rewriteBefore = scorer.score(c.request().getPrompt(), target);
    Double locality = null;
    if (!c.locality().isEmpty()) {
      double sum = 0;
      for (int i = 0; i < c.locality().size(); i++) {
        sum += scorer.score(c.locality().get(i).prompt(), localityIds.get(i)).agreement(localityAfter.get(i));
      }
      locality = sum / c.locality().size();
    }
    backend.restoreActivationScales(found);
    return new CaseResult(c.id(), c.request().getSubject(), c.request().getPrompt(), c.request().getNewObject(),
        r.isSuccess(), rewriteBefore.tokenAccuracy(), rewrite.tokenAccuracy(), mean(para, false),
        mean(para, true), locality, mean(port, false), efficacy, paraphraseScore, neighborhood, r.getSteps(),
        r.getForwardPasses(), r.getWallMillis(), peak, r.getStopReason().name(), r.getLossCurve(),
        r.getContextTemplates(), c.relation());
  }

  private static <T> @Nullable Double share(List<T> items, java.util.function.Predicate<T> test) {
    if (items.isEmpty()) {
      return null;
    }
    int n = 0;
    for (T t : items) {
      n += test.test(t) ? 1 : 0;
    }
    return (double) n / items.size();
  }

  private boolean newBeatsTrue(String prompt, int[] target, int[] truth) {
    return scorer.score(prompt, target).meanNll() < scorer.score(prompt, truth).meanNll();
  }

  private static @Nullable Double mean(List<AnswerScore> scores, boolean exact) {
    if (scores.isEmpty()) {
      return null;
    }
    double s = 0;
    for (AnswerScore x : scores) {
      s += exact ? (x.tokenAccuracy() == 1.0 ? 1 : 0) : x.tokenAccuracy();
    }
    return s / scores.size();
  }
}
