package org.mobiedit.tools.eval;

/** The editing-benchmark file formats {@link Datasets} reads. */
public enum DatasetFormat {
  /**
   * CounterFact in ROME's schema: {@code requested_rewrite{prompt, subject, target_new{str}, target_true{str}}},
   * {@code paraphrase_prompts}, {@code neighborhood_prompts}, optional {@code portability}.
   */
  COUNTERFACT,
  /**
   * EasyEdit's flat CounterFact: {@code prompt, subject, target_new, ground_truth, rephrase_prompt,
   * locality_prompt, locality_ground_truth}.
   */
  EASYEDIT,
  /** zsRE as MEND and ROME distribute it: {@code subject, src, alt, rephrase, loc, loc_ans}, optional portability. */
  ZSRE_MEND,
  /**
   * KnowEdit (EasyEdit's benchmark, used by the MobiEdit paper's code): {@code subject, prompt, target_new,
   * ground_truth, rephrase_prompt, locality{name: [{prompt, ground_truth}]}, portability{…}}.
   */
  KNOWEDIT
}
