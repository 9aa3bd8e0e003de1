package org.mobiedit.core.internal.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.tokenizer.Tokenizer;

/** A prompt text too long for the context is refused before it is tokenized. */
class PromptTextCheckTest {
  private static Tokenizer tokenizer(int maxCharsPerToken) {
    Tokenizer t = mock(Tokenizer.class);
    when(t.maxCharsPerToken()).thenReturn(maxCharsPerToken);
    when(t.encodeForModel(anyString())).thenAnswer(a -> new int[((String) a.getArgument(0)).length()]);
    return t;
  }

  @Test
  void aPromptWithMoreCharactersThanTheContextCanHoldIsRefusedBeforeTokenizing() {
    Tokenizer t = tokenizer(16);
    String prompt = "secret prompt " + "x".repeat(512 * 16);
    assertThatThrownBy(() -> Generator.encodePrompt(t, prompt, 512))
        .isInstanceOfSatisfying(MobiEditException.class, e -> {
          assertThat(e.getReason()).isEqualTo(MobiEditException.Reason.CONTEXT_OVERFLOW);
          assertThat(e.getMessage()).contains(prompt.length() + " characters", "at most 8192 characters",
              "512 tokens", "16 characters per token").doesNotContain("secret");
        });
    verify(t, never()).encodeForModel(anyString());
    verify(t, never()).encode(anyString());
  }

  @Test
  void aPromptAtTheCharacterLimitIsTokenizedAndCheckedInTokens() {
    Tokenizer t = tokenizer(2);
    // 8 characters may be 4 tokens; here each character is a token, so the token check refuses it
    assertThatThrownBy(() -> Generator.encodePrompt(t, "x".repeat(8), 4))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("8 tokens");
    assertArrayEquals(new int[4], Generator.encodePrompt(t, "x".repeat(4), 4));
  }

  @Test
  void aTenMillionCharacterPromptIsRefusedAtOnce() {
    Tokenizer t = tokenizer(256);
    String prompt = "y".repeat(10_000_000);
    assertThatThrownBy(() -> Generator.checkPromptText(t, prompt, 32_768))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("10000000 characters")
        .hasMessageContaining("at most 8388608 characters");
  }
}
