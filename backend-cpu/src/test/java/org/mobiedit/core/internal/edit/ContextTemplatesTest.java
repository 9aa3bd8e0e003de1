package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.internal.model.LanguageModel;

/**
 * The context templates are the plain prompt and prefixes sampled from the model itself (top-5, seeded): on
 * stories260K the same seed always gives the same templates, pinned here because every edit's rows depend on them.
 */
class ContextTemplatesTest {
  @Test
  void theDefaultSeedGivesTheTemplatesEveryStories260KEditHasUsed() {
    try (LanguageModel lm = Stories260K.load()) {
      assertThat(ContextTemplates.generate(lm.backendModel(), lm.tokenizer(), 5, 42)).containsExactly(
          "{}", "There was. {}", "Thereforesi. {}", "Becausehis. {}", "It was. {}", "Youare. {}");
    }
  }

  @Test
  void anotherSeedGivesOtherPrefixesWithTheSameStarts() {
    try (LanguageModel lm = Stories260K.load()) {
      List<String> a = ContextTemplates.generate(lm.backendModel(), lm.tokenizer(), 5, 42);
      List<String> b = ContextTemplates.generate(lm.backendModel(), lm.tokenizer(), 5, 7);
      assertThat(b).isNotEqualTo(a).hasSize(6).startsWith("{}");
      assertThat(b.get(1)).startsWith("The").endsWith(". {}");
      assertThat(b.get(5)).startsWith("You").endsWith(". {}");
    }
  }

  @Test
  void withoutSampledTemplatesOnlyThePlainPromptIsLeft() {
    try (LanguageModel lm = Stories260K.load()) {
      assertThat(ContextTemplates.generate(lm.backendModel(), lm.tokenizer(), 0, 42)).containsExactly("{}");
    }
  }
}
