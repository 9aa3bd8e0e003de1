package org.mobiedit.core.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.tokenizer.ByteAlphabet;
import org.mobiedit.core.tokenizer.ChatFormat;
import org.mobiedit.core.tokenizer.TokenDecoder;
import org.mobiedit.core.tokenizer.Tokenizer;

/** Tokenizer behaviour on small vocabularies the tests write themselves. */
class TokenizerBehaviourTest {
  @TempDir Path dir;

  /** A byte-level vocabulary: the 256 byte symbols, "he", "hel", "hello", "Ġw", and two special tokens. */
  private Tokenizer byteLevel() throws IOException {
    StringBuilder vocab = new StringBuilder("{");
    for (int b = 0; b < 256; b++) {
      String c = String.valueOf(ByteAlphabet.charOf(b));
      vocab.append(b == 0 ? "" : ",").append('"').append(c.equals("\"") ? "\\\"" : c.equals("\\") ? "\\\\" : c)
          .append("\":").append(b);
    }
    vocab.append(",\"he\":256,\"ll\":257,\"hell\":258,\"hello\":259,\"Ġw\":260}");
    Files.writeString(dir.resolve("vocab.json"), vocab, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nh e\nl l\nhe ll\nhell o\nĠ w\n");
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"added_tokens_decoder\": {"
        + "\"261\": {\"content\": \"<|endoftext|>\", \"special\": true},"
        + "\"262\": {\"content\": \"<|im_start|>\", \"special\": true}}, \"eos_token\": \"<|endoftext|>\"}");
    return Tokenizers.forFolder(dir);
  }

  @Test
  void mergesApplyInRankOrder() throws IOException {
    Tokenizer t = byteLevel();
    assertArrayEquals(new int[] {259, 260, 'o', 'r', 'l', 'd'}, t.encode("hello world"));
  }

  @Test
  void withIgnoreMergesAWordInTheVocabularyIsTakenWhole() throws IOException {
    // "hello" needs merges h+e, l+l, he+ll, hell+o; drop "he ll" so merging cannot reach it, but the word is a token.
    StringBuilder vocab = new StringBuilder("{");
    for (int b = 0; b < 256; b++) {
      String c = String.valueOf(ByteAlphabet.charOf(b));
      vocab.append(b == 0 ? "" : ",").append('"').append(c.equals("\"") ? "\\\"" : c.equals("\\") ? "\\\\" : c)
          .append("\":").append(b);
    }
    vocab.append(",\"he\":256,\"ll\":257,\"hello\":258}");
    String json = "{\"pre_tokenizer\":{\"type\":\"ByteLevel\"},\"model\":{\"type\":\"BPE\",\"ignore_merges\":IGNORE,"
        + "\"vocab\":" + vocab + ",\"merges\":[\"h e\",\"l l\"]}}";
    Files.writeString(dir.resolve("tokenizer.json"), json.replace("IGNORE", "true"));
    assertArrayEquals(new int[] {258}, Tokenizers.forFolder(dir).encode("hello"));
    Files.writeString(dir.resolve("tokenizer.json"), json.replace("IGNORE", "false"));
    assertArrayEquals(new int[] {256, 257, 'o'}, Tokenizers.forFolder(dir).encode("hello"));
  }

  @Test
  void specialTokensWrittenInTextBecomeOneId() throws IOException {
    Tokenizer t = byteLevel();
    assertArrayEquals(new int[] {262, 259, 261}, t.encode("<|im_start|>hello<|endoftext|>"));
    assertThat(t.isSpecial(261)).isTrue();
    assertArrayEquals(new int[] {261}, t.eosIds());
    assertEquals(ChatFormat.CHATML, t.chatFormat());
  }

  @Test
  void decodingRoundTripsAnyUtf8Including4ByteCharacters() throws IOException {
    Tokenizer t = byteLevel();
    for (String s : new String[] {"hello", "naïve café", "🦙 llama", "我想在", "\t\n  x", ""}) {
      assertEquals(s, t.decode(t.encode(s)));
    }
  }

  @Test
  void theStreamingDecoderHoldsBackPartialCharacters() throws IOException {
    Tokenizer t = byteLevel();
    int[] ids = t.encode("🦙!");
    assertEquals(5, ids.length);
    TokenDecoder d = t.newDecoder();
    assertEquals("", d.push(ids[0]));
    assertEquals("", d.push(ids[1]));
    assertEquals("", d.push(ids[2]));
    assertEquals("🦙", d.push(ids[3]));
    assertEquals("!", d.push(ids[4]));
    assertEquals("", d.flush());
  }

  @Test
  void mergesNamingUnknownTokensAreRejectedWithTheLine() throws IOException {
    byteLevel();
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nh e\nq z\n");
    assertThatThrownBy(() -> Tokenizers.forFolder(dir)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("line 3").hasMessageContaining("do not belong together");
  }

  @Test
  void aFolderWithoutTokenizerFilesSaysWhatWasLookedFor() {
    assertThatThrownBy(() -> Tokenizers.forFolder(dir)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("tokenizer.json").hasMessageContaining("vocab.json + merges.txt")
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(MobiEditException.Reason.TOKENIZER_MISSING);
  }

  @Test
  void aCorruptTokenizerJsonIsReported() throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0},");
    assertThatThrownBy(() -> Tokenizers.forFolder(dir)).isInstanceOf(MobiEditException.class)
        .extracting(e -> ((MobiEditException) e).getReason()).isEqualTo(MobiEditException.Reason.TOKENIZER_CORRUPT);
  }

  @Test
  void sentencePieceMergesByRankWithByteFallback() throws IOException {
    StringBuilder vocab = new StringBuilder("{\"<unk>\":0,\"<s>\":1,\"</s>\":2");
    for (int b = 0; b < 256; b++) {
      vocab.append(String.format(",\"<0x%02X>\":%d", b, 3 + b));
    }
    vocab.append(",\"▁\":259,\"a\":260,\"b\":261,\"▁a\":262,\"▁ab\":263}");
    String json = "{\"added_tokens\":[{\"id\":1,\"content\":\"<s>\",\"special\":true},"
        + "{\"id\":2,\"content\":\"</s>\",\"special\":true}],"
        + "\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"▁\"},"
        + "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"▁\"}]},"
        + "\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\"}},"
        + "{\"Sequence\":{\"id\":\"A\"}}]},"
        + "\"model\":{\"type\":\"BPE\",\"byte_fallback\":true,\"vocab\":" + vocab
        + ",\"merges\":[\"▁ a\",\"▁a b\"]}}";
    Files.writeString(dir.resolve("tokenizer.json"), json);
    Tokenizer t = Tokenizers.forFolder(dir);
    // "ab a" → "▁ab▁a"; "é" is not in the vocabulary → its two UTF-8 bytes
    assertArrayEquals(new int[] {1, 263, 262}, t.encodeForModel("ab a"));
    assertArrayEquals(new int[] {259, 3 + 0xC3, 3 + 0xA9}, t.encode("é"));
    assertEquals("ab aé", t.decode(t.encode("ab aé")));
  }
}
