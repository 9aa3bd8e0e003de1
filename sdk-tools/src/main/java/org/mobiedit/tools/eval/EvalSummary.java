package org.mobiedit.tools.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Aggregates over the cases of a run.
 *
 * @param cases cases evaluated
 * @param editSuccess share of edits the engine reports successful (exact rewrite)
 * @param rewriteAccuracy token-level rewrite accuracy after the edit
 * @param rewriteBefore token-level accuracy of the target before the edit
 * @param generalization token-level accuracy after paraphrases
 * @param generalizationExact paraphrases with every target token right
 * @param locality unchanged argmax tokens on unrelated prompts
 * @param portability token-level accuracy of portability answers
 * @param efficacyScore CounterFact: new object more likely than the true one
 * @param paraphraseScore CounterFact: the same on paraphrases
 * @param neighborhoodScore CounterFact: true object still more likely on neighbours
 * @param medianSteps median optimization steps per edit
 * @param medianStepsToSuccess median steps of the successful edits
 * @param medianForwardPasses median forward passes per edit
 * @param medianWallMillis median wall time per edit
 * @param peakResidentBytes the largest per-edit peak resident memory
 */
public record EvalSummary(int cases, Estimate editSuccess, Estimate rewriteAccuracy, Estimate rewriteBefore,
    Estimate generalization, Estimate generalizationExact, Estimate locality, Estimate portability,
    Estimate efficacyScore, Estimate paraphraseScore, Estimate neighborhoodScore, long medianSteps,
    long medianStepsToSuccess, long medianForwardPasses, long medianWallMillis, long peakResidentBytes) {

  public static EvalSummary of(List<CaseResult> results) {
    int ok = 0;
    List<Long> successSteps = new ArrayList<>();
    long peak = 0;
    for (CaseResult r : results) {
      if (r.success()) {
        ok++;
        successSteps.add((long) r.steps());
      }
      peak = Math.max(peak, r.peakResidentBytes());
    }
    return new EvalSummary(results.size(), Estimate.proportion(ok, results.size()),
        rates(results, CaseResult::rewriteAccuracy), rates(results, CaseResult::rewriteBefore),
        rates(results, CaseResult::generalization), rates(results, CaseResult::generalizationExact),
        rates(results, CaseResult::locality), rates(results, CaseResult::portability),
        rates(results, CaseResult::efficacyScore), rates(results, CaseResult::paraphraseScore),
        rates(results, CaseResult::neighborhoodScore), median(results, r -> (long) r.steps()),
        median(successSteps), median(results, CaseResult::forwardPasses), median(results, CaseResult::wallMillis),
        peak);
  }

  private static Estimate rates(List<CaseResult> results, Function<CaseResult, Double> metric) {
    List<Double> v = new ArrayList<>();
    for (CaseResult r : results) {
      v.add(metric.apply(r));
    }
    return Estimate.meanOf(v);
  }

  private static long median(List<CaseResult> results, Function<CaseResult, Long> metric) {
    List<Long> v = new ArrayList<>();
    for (CaseResult r : results) {
      v.add(metric.apply(r));
    }
    return median(v);
  }

  /** The median (the lower middle for an even count); 0 for none. */
  static long median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    long[] s = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(s);
    return s[(s.length - 1) / 2];
  }
}
