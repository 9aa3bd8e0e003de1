package org.mobiedit.backend.qnn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.edit.EditEngine;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.world.WorldModel;

/**
 * backend-qnn keeps its own copy of the weights, so the SDK releases the model's files after the load; every graph
 * written later (other shape buckets, capture, prefix, resume, rank-one slots) is built without reading them.
 */
class ReleasedFilesTest {
  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"FP32", "INT8", "INT8_A8"})
  void generationAndAnEditRunAfterTheFilesAreReleased(Precision p) {
    try (LanguageModel lm = LanguageModel.load(WorldModel.extract(), new LoadOptions(p, "qnn", 1))) {
      assertThat(lm.backendModel().keepsModelFilesMapped()).isFalse();
      assertThat(lm.memory().mappedBytes()).isZero();
      assertThat(lm.memory().weightBytes()).isPositive();
      int[] prompt = lm.encodePrompt("Zevour was born in");
      String before = lm.generate(prompt, GenerationOptions.greedy(3), (id, t) -> {}).getText();
      EditEngine.Outcome o = new EditEngine(lm.backendModel(), lm.tokenizer()).edit(
          EditRequest.of("Zevour", "{} was born in", "Paris"), EditOptions.recommended().toBuilder().precision(p)
              .maxSteps(20).build());
      assertThat(o.result().getSteps()).isPositive();
      assertThat(lm.generate(prompt, GenerationOptions.greedy(3), (id, t) -> {}).getText()).isNotNull();
      o.revert(lm.backendModel());
      assertThat(lm.generate(prompt, GenerationOptions.greedy(3), (id, t) -> {}).getText()).isEqualTo(before);
    }
  }
}
