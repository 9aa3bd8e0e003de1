package org.mobiedit.core.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;

/** A GGUF vocabulary whose metadata has wrong types, lengths or ids is refused at load as TOKENIZER_CORRUPT. */
class GgufVocabularyBadInputTest {
  /** A byte-level ("gpt2") vocabulary: a, b, ab and an end-of-text control token. */
  private static Map<String, Object> gpt2() {
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("tokenizer.ggml.model", "gpt2");
    md.put("tokenizer.ggml.tokens", List.of("a", "b", "ab", "<|endoftext|>"));
    md.put("tokenizer.ggml.token_type", new long[] {1, 1, 1, 3});
    md.put("tokenizer.ggml.merges", List.of("a b"));
    md.put("tokenizer.ggml.bos_token_id", 3L);
    md.put("tokenizer.ggml.eos_token_id", 3L);
    return md;
  }

  /** A SentencePiece ("llama") vocabulary with scores. */
  private static Map<String, Object> llama() {
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("tokenizer.ggml.model", "llama");
    md.put("tokenizer.ggml.tokens", List.of("<unk>", "<s>", "</s>", "▁", "a", "▁a"));
    md.put("tokenizer.ggml.scores", new double[] {0, 0, 0, -1, -2, -0.5});
    md.put("tokenizer.ggml.token_type", new long[] {2, 3, 3, 1, 1, 1});
    md.put("tokenizer.ggml.bos_token_id", 1L);
    md.put("tokenizer.ggml.eos_token_id", 2L);
    return md;
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(Map<String, Object> md) {
    return assertThatThrownBy(() -> Tokenizers.fromGgufMetadata(md))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.TOKENIZER_CORRUPT, e.getReason()));
  }

  @Test
  void theBaseVocabulariesLoad() {
    assertArrayEquals(new int[] {2}, Tokenizers.fromGgufMetadata(gpt2()).encode("ab"));
    assertArrayEquals(new int[] {1, 5}, Tokenizers.fromGgufMetadata(llama()).encodeForModel("a"));
  }

  @Test
  void tokensThatAreAnArrayOfArraysAreCorruptNotAnArrayStoreError() {
    Map<String, Object> md = gpt2();
    md.put("tokenizer.ggml.tokens", List.of(List.of("a"), List.of("b")));
    refused(md).hasMessageContaining("tokenizer.ggml.tokens");
  }

  @Test
  void anEmptyVocabularyIsRefused() {
    Map<String, Object> md = gpt2();
    md.put("tokenizer.ggml.tokens", List.of());
    md.remove("tokenizer.ggml.token_type");
    md.remove("tokenizer.ggml.bos_token_id");
    md.remove("tokenizer.ggml.eos_token_id");
    refused(md).hasMessageContaining("no tokens");
  }

  @Test
  void scoresOrTokenTypesOfWrongTypeOrLengthAreCorrupt() {
    Map<String, Object> md = llama();
    md.put("tokenizer.ggml.scores", new long[] {0, 0, 0, 0, 0, 0});
    refused(md).hasMessageContaining("tokenizer.ggml.scores");
    md = llama();
    md.put("tokenizer.ggml.scores", new double[] {0, 0});
    refused(md).hasMessageContaining("tokenizer.ggml.scores");
    md = gpt2();
    md.put("tokenizer.ggml.token_type", new double[] {1, 1, 1, 3});
    refused(md).hasMessageContaining("tokenizer.ggml.token_type");
    md = gpt2();
    md.put("tokenizer.ggml.token_type", new long[] {1, 1});
    refused(md).hasMessageContaining("tokenizer.ggml.token_type");
  }

  @Test
  void bosOrEosIdsOutsideTheVocabularyAreRefusedAtLoad() {
    Map<String, Object> md = gpt2();
    md.put("tokenizer.ggml.bos_token_id", 4L);
    refused(md).hasMessageContaining("tokenizer.ggml.bos_token_id");
    md = llama();
    md.put("tokenizer.ggml.eos_token_id", -1L);
    refused(md).hasMessageContaining("tokenizer.ggml.eos_token_id");
    md = llama();
    md.put("tokenizer.ggml.bos_token_id", "1");
    refused(md).hasMessageContaining("tokenizer.ggml.bos_token_id");
  }

  @Test
  void mergesOfWrongTypeAreCorrupt() {
    Map<String, Object> md = gpt2();
    md.put("tokenizer.ggml.merges", List.of(List.of("a b")));
    refused(md).hasMessageContaining("tokenizer.ggml.merges");
    md = gpt2();
    md.put("tokenizer.ggml.merges", List.of("ab"));
    refused(md).hasMessageContaining("tokenizer.ggml.merges");
  }

  @Test
  void aTokenTextIsCutInMessages() {
    Map<String, Object> md = gpt2();
    md.put("tokenizer.ggml.model", "x".repeat(10_000));
    assertThatThrownBy(() -> Tokenizers.fromGgufMetadata(md)).isInstanceOf(MobiEditException.class)
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).hasSizeLessThan(600));
  }
}
