package org.mobiedit.tools.eval;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditRequest;

/**
 * One case of an editing benchmark, whatever file format it came from.
 *
 * @param id the dataset's case id (or the record index)
 * @param request the edit: subject, prompt, new object
 * @param trueObject what the fact was before the edit (CounterFact's {@code target_true}); null when unknown
 * @param paraphrases other phrasings of the edited prompt (generalization)
 * @param locality prompts about other facts that must not change (CounterFact neighbourhood prompts, zsRE
 *     {@code loc}), with their answers where known
 * @param portability questions whose answer follows from the new fact, with that answer
 * @param relation the dataset's relation id (CounterFact's {@code relation_id}), for results by relation; null when
 *     the format has none
 */
public record EditCase(String id, EditRequest request, @Nullable String trueObject, List<String> paraphrases,
    List<Probe> locality, List<Probe> portability, @Nullable String relation) {
  public EditCase {
    paraphrases = List.copyOf(paraphrases);
    locality = List.copyOf(locality);
    portability = List.copyOf(portability);
  }
}
