package org.mobiedit.core.tokenizer;

import org.jspecify.annotations.Nullable;

/** Built-in chat formats of instruct models. */
public enum ChatFormat {
  /** No chat format: prompts are used as given. */
  NONE,
  /** ChatML, used by Qwen2/Qwen2.5 instruct models. */
  CHATML,
  /** The Llama 3 instruct format. */
  LLAMA3;

  /** Formats one user turn, ready for the assistant's answer. */
  public String formatUserTurn(String message, @Nullable String systemPrompt) {
    switch (this) {
      case CHATML: {
        String system = systemPrompt == null ? "You are a helpful assistant." : systemPrompt;
        return "<|im_start|>system\n" + system + "<|im_end|>\n<|im_start|>user\n" + message
            + "<|im_end|>\n<|im_start|>assistant\n";
      }
      case LLAMA3: {
        StringBuilder sb = new StringBuilder("<|begin_of_text|>");
        if (systemPrompt != null) {
          sb.append("<|start_header_id|>system<|end_header_id|>\n\n").append(systemPrompt).append("<|eot_id|>");
        }
        return sb.append("<|start_header_id|>user<|end_header_id|>\n\n").append(message)
            .append("<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n").toString();
      }
      default:
        return message;
    }
  }

  /** Recognises a format from a Jinja chat template's text. */
  public static ChatFormat detect(@Nullable String chatTemplate) {
    if (chatTemplate == null) {
      return NONE;
    }
    if (chatTemplate.contains("<|im_start|>")) {
      return CHATML;
    }
    if (chatTemplate.contains("<|start_header_id|>")) {
      return LLAMA3;
    }
    return NONE;
  }
}
