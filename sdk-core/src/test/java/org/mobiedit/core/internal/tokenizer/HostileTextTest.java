package org.mobiedit.core.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * Text a hostile caller may send: every one ends as tokens (that decode back to the text, where the text is valid
 * UTF-16) or as a {@link MobiEditException}, within a time bound, on both tokenizer kinds.
 */
class HostileTextTest {
  private static final int MILLION = 1_000_000;

  /** The hostile texts, by name. */
  private static Map<String, String> texts() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("empty", "");
    t.put("a million letters", "x".repeat(MILLION));
    t.put("spaces", " ".repeat(100_000));
    t.put("newlines and tabs", "\n\t".repeat(50_000));
    Random r = new Random(22);
    StringBuilder mixed = new StringBuilder();
    while (mixed.length() < 300_000) {
      mixed.append(MixedText.random(r, 20));
    }
    t.put("mixed characters", mixed.toString());
    t.put("lone surrogates", "\ud800 a\udc00b \udbff\ud800" + "\udc00".repeat(1000));
    t.put("NUL characters", "\u0000a\u0000\u0000 b" + "\u0000".repeat(10_000));
    t.put("special-token-like strings", "<|im_start|><|im_end|<|im_start<|<|endoftext|>|>".repeat(4_000));
    t.put("combining marks", "e" + "\u0301\u0302\u0308\u0323".repeat(50_000));
    t.put("combining marks in short runs", "e\u0301\u0302\u0308\u0323".repeat(20_000));
    t.put("zero-width and bidi controls", "\u200b\u200d\u202e\ufeff\u2066".repeat(20_000));
    return t;
  }

  private static void encodesInBoundedTime(String label, Tokenizer t) {
    for (Map.Entry<String, String> e : texts().entrySet()) {
      String text = e.getValue();
      try {
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> t.encode(text), label + ": " + e.getKey());
        assertThat(ids.length).as(label + ": " + e.getKey()).isLessThanOrEqualTo(4 * text.length());
        if (!e.getKey().equals("lone surrogates")) {
          String decoded = t.decode(ids);
          assertTrue(decoded.equals(text) || decoded.equals(Normalizer.normalize(text, Normalizer.Form.NFC)),
              label + ": " + e.getKey() + " decodes to the text (or its NFC form)");
        }
      } catch (MobiEditException ok) {
        // a clear refusal is fine
      }
    }
  }

  private static ByteLevelBpeTokenizer handMadeByteLevel() {
    List<String[]> merges = new ArrayList<>();
    for (String pair : new String[] {"x x", "xx xx", "Ġ Ġ", "ĠĠ ĠĠ", "Ċ ĉ", "< |", "<| im", "i m"}) {
      merges.add(pair.split(" "));
    }
    return HandMadeTokenizers.byteLevel(merges, List.of("<|im_start|>", "<|endoftext|>"),
        PreTokenizer.compile(PreTokenizer.QWEN2), true);
  }

  @Test
  void aLongRunOfCombiningMarksIsRefusedBeforeNormalisingInsteadOfTakingMinutes() {
    ByteLevelBpeTokenizer t = handMadeByteLevel();
    String marks = "\u0301\u0323".repeat(100_000);
    String text = "Zalgo e" + marks;
    assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> t.encode(text)))
        .isInstanceOfSatisfying(MobiEditException.class, e -> {
          assertThat(e.getReason()).isEqualTo(MobiEditException.Reason.INVALID_REQUEST);
          assertThat(e.getMessage()).contains("more than 1000 combining marks in a row", "from character 7")
              .doesNotContain("Zalgo");
        });
    // up to the limit the text is normalised and encoded as before
    String allowed = "e" + marks.substring(0, ByteLevelBpeTokenizer.MAX_COMBINING_RUN);
    assertEquals(Normalizer.normalize(allowed, Normalizer.Form.NFC), t.decode(t.encode(allowed)));
  }

  @Test
  void aHandMadeByteLevelTokenizerEncodesHostileTextInBoundedTime() {
    encodesInBoundedTime("hand-made byte-level", handMadeByteLevel());
  }

  @Test
  void aHandMadeSentencePieceTokenizerEncodesHostileTextInBoundedTime() {
    SentencePieceBpeTokenizer t = HandMadeTokenizers.sentencePiece(
        List.of("x", "xx", "xxxx", "\u2581\u2581", "<", "|", "<|", "e", "\u2581x"), List.of("<|im_start|>"));
    encodesInBoundedTime("hand-made SentencePiece", t);
  }

  @Test
  void theQwen2TokenizerEncodesHostileTextInBoundedTime() {
    encodesInBoundedTime("qwen2", Qwen2Tokenizer.get());
  }

  @Test
  void theLlamaSentencePieceTokenizerEncodesHostileTextInBoundedTime() {
    Path f = SharedData.require("tokenizers/llama-spm/ggml-vocab-llama-spm.gguf");
    try (GgufFile g = GgufFile.open(f)) {
      encodesInBoundedTime("llama-spm", Tokenizers.fromGgufMetadata(g.metadata()));
    }
  }
}
