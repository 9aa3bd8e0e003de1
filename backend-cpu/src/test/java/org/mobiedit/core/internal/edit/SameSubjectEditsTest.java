package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.backend.cpu.realmodels.DemoWorld;
import org.mobiedit.core.internal.model.LanguageModel;

/**
 * Several facts of one subject edited one after another (demo world model): the subject's key is the same for all of
 * them, so no update direction can leave the earlier ones unmoved; the search keeps them instead
 * (EditBatch#withKeptFacts), and an edit of the same prompt replaces the earlier answer.
 */
class SameSubjectEditsTest {
  private static final List<EditRequest> FACTS = List.of(
      EditRequest.of("Kergregre", "{} speaks", "Dostineshese"),
      EditRequest.of("Kergregre", "{} lives in", "Pisnel"),
      EditRequest.of("Kergregre", "{} was born in", "Grorpail"));

  private static String answer(MobiEditor editor, EditRequest r) {
    return editor.generate(r.getPrompt(), GenerationOptions.greedy(3)).getText();
  }

  @Test
  void everyFactOfTheSubjectHoldsAfterTheLast() {
    try (LanguageModel lm = DemoWorld.load()) {
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended());
      for (EditRequest r : FACTS) {
        EditResult result = editor.edit(r);
        assertThat(result.isSuccess()).as(r.getPrompt()).isTrue();
      }
      for (EditRequest r : FACTS) {
        assertThat(answer(editor, r)).as(r.getPrompt()).startsWith(" " + r.getNewObject());
      }
    }
  }

  @Test
  void anEditOfTheSamePromptReplacesTheEarlierAnswer() {
    try (LanguageModel lm = DemoWorld.load()) {
      MobiEditor editor = new MobiEditor(lm, EditOptions.recommended());
      assertThat(editor.edit(FACTS.get(1)).isSuccess()).isTrue();
      EditRequest again = EditRequest.of("Dronshaisa", "{} was born in", "Zavol");
      assertThat(editor.edit(again).isSuccess()).isTrue();
      assertThat(answer(editor, again)).startsWith(" Zavol");
    }
  }
}
