package org.mobiedit.core.internal.tokenizer;

import org.mobiedit.core.testing.SharedData;

/** The real Qwen2 tokenizer from the shared data, loaded once for the tests that use it; skips when absent. */
final class Qwen2Tokenizer {
  private Qwen2Tokenizer() {}

  static ByteLevelBpeTokenizer get() {
    SharedData.require("tokenizers/qwen2");
    return Loaded.TOKENIZER;
  }

  private static final class Loaded {
    static final ByteLevelBpeTokenizer TOKENIZER =
        (ByteLevelBpeTokenizer) Tokenizers.forFolder(SharedData.require("tokenizers/qwen2"));
  }
}
