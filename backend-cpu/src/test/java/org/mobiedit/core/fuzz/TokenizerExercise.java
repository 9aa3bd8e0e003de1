package org.mobiedit.core.fuzz;

import org.mobiedit.core.tokenizer.TokenDecoder;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * What the fuzzer does with a tokenizer that loaded: encode a few texts in every way the SDK does (plain, as a
 * prompt, as a continuation), decode them back at once and streaming, and look up a few tokens across the
 * vocabulary. None of it may throw anything but a MobiEditException.
 */
final class TokenizerExercise {
  static final String[] TEXTS = {
    "Hello world", "Lily went to the park.", "  leading spaces\tand\ttabs\n\nnewlines ", "émoji 🤖 中文 ÿ",
    "<s></s><|im_start|>user\n<|im_end|><|endoftext|>", "", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
    "12345 67890 3.14159", "Zevour was born in"
  };

  private TokenizerExercise() {}

  static void run(Tokenizer t) {
    for (String text : TEXTS) {
      int[] ids = t.encode(text);
      t.decode(ids);
      t.encodeForModel(text);
      int[] more = t.encodeContinuation(text);
      TokenDecoder d = t.newDecoder();
      for (int id : more) {
        d.push(id);
      }
      d.flush();
    }
    int n = t.vocabSize();
    for (int id : new int[] {0, n / 2, n - 1}) {
      if (id >= 0 && id < n) {
        String s = t.tokenText(id);
        t.idOf(s);
        t.isSpecial(id);
        t.decode(new int[] {id});
      }
    }
    t.bosId();
    t.eosIds();
    t.addsBos();
    t.chatFormat();
  }
}
