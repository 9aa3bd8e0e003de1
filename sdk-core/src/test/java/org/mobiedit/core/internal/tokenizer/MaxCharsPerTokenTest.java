package org.mobiedit.core.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * {@link Tokenizer#maxCharsPerToken()} is an upper bound: no text encodes to fewer than
 * {@code length / maxCharsPerToken} tokens, so refusing longer texts before tokenizing never refuses one that fits.
 */
class MaxCharsPerTokenTest {

  private static void neverMoreCharactersPerTokenThanTheBound(Tokenizer t, List<String> texts) {
    for (String text : texts) {
      int tokens = t.encode(text).length;
      assertThat((long) tokens * t.maxCharsPerToken()).as("%d characters", text.length())
          .isGreaterThanOrEqualTo(text.length());
    }
  }

  /** Mixed text, every {@code tokenStride}-th token's own text repeated, and decomposed characters that NFC composes 3 into 1. */
  private static List<String> texts(Tokenizer t, int tokenStride) {
    List<String> texts = new ArrayList<>();
    Random r = new Random(25);
    for (int i = 0; i < 200; i++) {
      texts.add(MixedText.random(r, 1 + r.nextInt(30)));
    }
    for (int id = 0; id < t.vocabSize(); id += tokenStride) {
      String s = t.decode(new int[] {id});
      if (!s.isEmpty() && !s.contains("\ufffd")) {
        texts.add(s.repeat(3));
      }
    }
    texts.add("U\u0308\u0304".repeat(1_000));
    texts.add("\u03b1\u0313\u0300\u0345".repeat(1_000));
    return texts;
  }

  @Test
  void theBoundIsTheLongestTokenAndTwiceThatWhereTextIsNormalised() {
    List<String[]> merges = List.of(new String[] {"a", "b"}, new String[] {"ab", "ab"});
    ByteLevelBpeTokenizer plain = HandMadeTokenizers.byteLevel(merges, List.of("<|endoftext|>"),
        PreTokenizer.compile(PreTokenizer.GPT2), false);
    assertEquals("<|endoftext|>".length(), plain.maxCharsPerToken());
    ByteLevelBpeTokenizer nfc = HandMadeTokenizers.byteLevel(merges, List.of(),
        PreTokenizer.compile(PreTokenizer.QWEN2), true);
    assertEquals(2 * "abab".length(), nfc.maxCharsPerToken());
    SentencePieceBpeTokenizer spm = HandMadeTokenizers.sentencePiece(List.of("a", "\u2581abc"), List.of());
    assertEquals("<0x00>".length(), spm.maxCharsPerToken());
    neverMoreCharactersPerTokenThanTheBound(plain, texts(plain, 1));
    neverMoreCharactersPerTokenThanTheBound(nfc, texts(nfc, 1));
    neverMoreCharactersPerTokenThanTheBound(spm, texts(spm, 1));
  }

  @Test
  void theQwen2BoundHolds() {
    ByteLevelBpeTokenizer t = Qwen2Tokenizer.get();
    neverMoreCharactersPerTokenThanTheBound(t, texts(t, 37));
  }

  @Test
  void theLlamaSentencePieceBoundHolds() {
    Path f = SharedData.require("tokenizers/llama-spm/ggml-vocab-llama-spm.gguf");
    try (GgufFile g = GgufFile.open(f)) {
      Tokenizer t = Tokenizers.fromGgufMetadata(g.metadata());
      neverMoreCharactersPerTokenThanTheBound(t, texts(t, 7));
    }
  }
}
