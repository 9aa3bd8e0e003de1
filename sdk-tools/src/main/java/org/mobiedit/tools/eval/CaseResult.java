package org.mobiedit.tools.eval;

import org.jspecify.annotations.Nullable;

/**
 * What one edit did, measured (the shared algorithm spec, section 7). Rates are in [0, 1]; a metric the case's
 * dataset gives no probes for is null.
 *
 * @param caseId the dataset's id
 * @param subject the edited subject
 * @param prompt the edit prompt
 * @param target the new object
 * @param success the engine's verdict: every target token is the argmax after the prompt (exact rewrite)
 * @param rewriteBefore token-level rewrite accuracy of the unedited model (how often the target was already there)
 * @param rewriteAccuracy token-level rewrite accuracy after the edit
 * @param generalization token-level accuracy of the target after each paraphrase, averaged
 * @param generalizationExact share of paraphrases after which every target token is the argmax
 * @param locality share of argmax tokens on the locality probes unchanged from the unedited model
 * @param portability token-level accuracy of the portability answers
 * @param efficacyScore CounterFact: 1 if the new object is more likely than the true one after the prompt
 * @param paraphraseScore CounterFact: the same averaged over paraphrases
 * @param neighborhoodScore CounterFact: share of neighbourhood prompts where the true object stays more likely
 * @param steps optimization steps run
 * @param forwardPasses forward passes of the edit
 * @param wallMillis wall time of the edit
 * @param peakResidentBytes peak resident memory of the process during the edit (0 where unknown)
 * @param stopReason why the search stopped
 * @param lossCurve the loss at every step
 * @param contextTemplates the templates the edit used (so a baseline can use the very same rows)
 * @param relation the case's relation id where the dataset has one (results by relation), else null; null too in
 *     logs written before it was recorded
 */
public record CaseResult(String caseId, String subject, String prompt, String target, boolean success,
    double rewriteBefore, double rewriteAccuracy, @Nullable Double generalization,
    @Nullable Double generalizationExact, @Nullable Double locality, @Nullable Double portability,
    @Nullable Double efficacyScore, @Nullable Double paraphraseScore, @Nullable Double neighborhoodScore, int steps,
    long forwardPasses, long wallMillis, long peakResidentBytes, String stopReason, float[] lossCurve,
    java.util.List<String> contextTemplates, @Nullable String relation) {}
