package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.tokenizer.Tokenizer;

/** An edit whose prompt and object cannot fit in the context is refused before anything is tokenized. */
class EditBatchContextCheckTest {
  /** A tokenizer where a token stands for at most {@code perToken} characters and each character is a token. */
  private static Tokenizer tokenizer(int perToken) {
    Tokenizer t = mock(Tokenizer.class);
    when(t.maxCharsPerToken()).thenReturn(perToken);
    when(t.encodeForModel(anyString())).thenAnswer(a -> new int[((String) a.getArgument(0)).length() + 1]);
    when(t.encodeContinuation(anyString())).thenAnswer(a -> new int[((String) a.getArgument(0)).length()]);
    return t;
  }

  @Test
  void anEditPromptTooLongForTheContextIsRefusedBeforeTokenizing() {
    Tokenizer t = tokenizer(8);
    String prompt = "Private subject " + "z".repeat(100_000) + " lives in";
    EditRequest request = EditRequest.ofPrompt("Private subject", prompt, "Rome");
    assertThatThrownBy(() -> EditBatch.build(t, request, List.of("{}", "A template. {}"), 1_024))
        .isInstanceOfSatisfying(MobiEditException.class, e -> {
          assertThat(e.getReason()).isEqualTo(MobiEditException.Reason.CONTEXT_OVERFLOW);
          assertThat(e.getMessage())
              .contains((prompt.length() + 12 + 5) + " characters", "at most 8200 characters", "1024 tokens")
              .doesNotContain("Private").doesNotContain("Rome");
        });
    verify(t, never()).encodeForModel(anyString());
    verify(t, never()).encodeContinuation(anyString());
  }

  @Test
  void aNewObjectTooLongForTheContextIsRefusedBeforeTokenizing() {
    Tokenizer t = tokenizer(4);
    EditRequest request = EditRequest.ofPrompt("Paris", "Paris is in", "F".repeat(1_000_000));
    assertThatThrownBy(() -> EditBatch.build(t, request, List.of("{}"), 2_048))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("1000012 characters");
    verify(t, never()).encodeContinuation(anyString());
  }

  @Test
  void anEditThatMayFitIsTokenizedAndCheckedInTokensAsBefore() {
    Tokenizer t = tokenizer(64);
    EditRequest request = EditRequest.ofPrompt("Paris", "Paris is in " + "x".repeat(100), "France");
    // 113 characters could be 2 tokens, but here each is one: the token check refuses the 119-token row
    assertThatThrownBy(() -> EditBatch.build(t, request, List.of("{}"), 64))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("tokens, more than the model's context of 64");
    EditBatch ok = EditBatch.build(t, EditRequest.ofPrompt("Paris", "Paris is in", "France"), List.of("{}"), 64);
    assertThat(ok.rows).hasNumberOfRows(2);
  }
}
