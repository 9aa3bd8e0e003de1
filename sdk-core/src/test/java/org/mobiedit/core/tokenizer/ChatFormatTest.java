package org.mobiedit.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ChatFormatTest {
  @Test
  void chatMlWrapsAUserTurnWithTheDefaultSystemPrompt() {
    assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        + "<|im_start|>assistant\n", ChatFormat.CHATML.formatUserTurn("Hi", null));
  }

  @Test
  void llama3WrapsAUserTurnWithHeaders() {
    assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
        ChatFormat.LLAMA3.formatUserTurn("Hi", "Be brief."));
  }

  @Test
  void formatsAreDetectedFromTheirTemplates() {
    assertEquals(ChatFormat.CHATML, ChatFormat.detect("{{ '<|im_start|>' + role }}"));
    assertEquals(ChatFormat.LLAMA3, ChatFormat.detect("{{ '<|start_header_id|>' }}"));
    assertEquals(ChatFormat.NONE, ChatFormat.detect(null));
  }
}
