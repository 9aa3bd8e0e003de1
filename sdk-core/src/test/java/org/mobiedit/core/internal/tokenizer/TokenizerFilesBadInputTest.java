package org.mobiedit.core.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * tokenizer.json, vocab.json + merges.txt and tokenizer_config.json with damaged or hostile content are refused at
 * load as TOKENIZER_CORRUPT naming the file and field, in bounded time and memory.
 */
class TokenizerFilesBadInputTest {
  @TempDir Path dir;

  /** A small SentencePiece-style tokenizer.json; {@code MODEL} and {@code EXTRA} are replaced by the tests. */
  private static final String TOKENIZER = "{\"added_tokens\":[{\"id\":0,\"content\":\"<unk>\",\"special\":true},"
      + "{\"id\":1,\"content\":\"<s>\",\"special\":true}],EXTRA"
      + "\"model\":{\"type\":\"BPE\",\"vocab\":VOCAB,\"merges\":MERGES}}";
  private static final String VOCAB = "{\"<unk>\":0,\"<s>\":1,\"a\":2,\"b\":3,\"ab\":4}";

  private static String tokenizer(String vocab, String merges, String extra) {
    return TOKENIZER.replace("VOCAB", vocab).replace("MERGES", merges).replace("EXTRA", extra);
  }

  private Path write(String name, String text) throws IOException {
    return Files.write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(ThrowingCallable load, Path file) {
    return assertThatThrownBy(load)
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertEquals(Reason.TOKENIZER_CORRUPT, e.getReason()))
        .hasMessageContaining(file.getFileName().toString());
  }

  private AbstractThrowableAssert<?, ? extends Throwable> refusedJson(String json) throws IOException {
    Path f = write("tokenizer.json", json);
    return refused(() -> Tokenizers.fromTokenizerJson(f), f);
  }

  @Test
  void theBaseTokenizerLoadsWithBothMergeForms() throws IOException {
    Tokenizer a = Tokenizers.fromTokenizerJson(write("tokenizer.json", tokenizer(VOCAB, "[\"a b\"]", "")));
    assertArrayEquals(new int[] {4}, a.encode("ab"));
    Tokenizer b = Tokenizers.fromTokenizerJson(write("tokenizer.json", tokenizer(VOCAB, "[[\"a\",\"b\"]]", "")));
    assertArrayEquals(new int[] {4}, b.encode("ab"));
  }

  @Test
  void anIdOfIntMaxIsCorruptNotAnIndexError() throws IOException {
    refusedJson(tokenizer("{\"a\":2147483647}", "[]", "")).hasMessageContaining("model.vocab");
  }

  @Test
  void aNegativeAddedTokenIdIsCorruptNotAnIndexError() throws IOException {
    refusedJson(tokenizer(VOCAB, "[]", "").replace("\"id\":1,", "\"id\":-1,")).hasMessageContaining("added_tokens");
  }

  @Test
  void oneHugeIdIsRefusedQuicklyInsteadOfSizingTheVocabularyByIt() throws IOException {
    Path f = write("tokenizer.json", tokenizer("{\"<unk>\":0,\"<s>\":1,\"a\":100000000}", "[]", ""));
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refused(() -> Tokenizers.fromTokenizerJson(f), f)
        .hasMessageContaining("100000000"));
  }

  @Test
  void aLargeButAllowedIdLoadsQuicklyWithoutPlaceholderTextsForEveryGap() throws IOException {
    Path f = write("tokenizer.json", tokenizer("{\"<unk>\":0,\"<s>\":1,\"a\":2,\"b\":3,\"ab\":4000000}", "[\"a b\"]",
        ""));
    Tokenizer t = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Tokenizers.fromTokenizerJson(f));
    assertEquals(4_000_001, t.vocabSize());
    assertArrayEquals(new int[] {4_000_000}, t.encode("ab"));
    assertThat(t.tokenText(1000)).contains("1000");
  }

  @Test
  void twoTokensWithTheSameIdAreCorrupt() throws IOException {
    refusedJson(tokenizer("{\"<unk>\":0,\"<s>\":1,\"a\":2,\"b\":2}", "[]", "")).hasMessageContaining("2");
  }

  @Test
  void anIdThatIsNotAnIntegerIsCorrupt() throws IOException {
    refusedJson(tokenizer("{\"<unk>\":0,\"<s>\":1,\"a\":\"2\"}", "[]", "")).hasMessageContaining("model.vocab");
    refusedJson(tokenizer("{\"<unk>\":0,\"<s>\":1,\"a\":2.5}", "[]", "")).hasMessageContaining("model.vocab");
  }

  @Test
  void addedTokensOfWrongTypeAreCorrupt() throws IOException {
    refusedJson(tokenizer(VOCAB, "[]", "").replaceFirst("\"added_tokens\":\\[.*?\\}\\]", "\"added_tokens\":{\"x\":1}"))
        .hasMessageContaining("added_tokens");
    refusedJson(tokenizer(VOCAB, "[]", "").replace("\"content\":\"<s>\"", "\"content\":5"))
        .hasMessageContaining("added_tokens[1].content");
    refusedJson(tokenizer(VOCAB, "[]", "").replace("\"special\":true}]", "\"special\":\"yes\"}]"))
        .hasMessageContaining("added_tokens[1].special");
  }

  @Test
  void mergesOfWrongShapeAreCorrupt() throws IOException {
    refusedJson(tokenizer(VOCAB, "[[\"a\"]]", "")).hasMessageContaining("model.merges[0]");
    refusedJson(tokenizer(VOCAB, "[[\"a\",\"b\",\"c\"]]", "")).hasMessageContaining("model.merges[0]");
    refusedJson(tokenizer(VOCAB, "[[\"a\",5]]", "")).hasMessageContaining("model.merges[0]");
    refusedJson(tokenizer(VOCAB, "[\"ab\"]", "")).hasMessageContaining("model.merges[0]");
    refusedJson(tokenizer(VOCAB, "{\"a\":\"b\"}", "")).hasMessageContaining("model.merges");
  }

  @Test
  void deeplyNestedJsonInAnUnusedKeyIsCorruptWithoutStackOverflow() throws IOException {
    refusedJson(tokenizer(VOCAB, "[]", "\"unused\":" + "[".repeat(100_000) + "]".repeat(100_000) + ","))
        .hasMessageContaining("nested");
  }

  @Test
  void aTokenizerJsonThatIsNotAnObjectIsCorrupt() throws IOException {
    refusedJson("[1]");
    refusedJson("{\"model\":5}").hasMessageContaining("\"model\"");
  }

  @Test
  void anAddedTokenTooLongToMatchInTextIsCorrupt() throws IOException {
    refusedJson(tokenizer(VOCAB, "[]", "").replace("\"content\":\"<s>\"", "\"content\":\"" + "s".repeat(1025) + "\""))
        .hasMessageContaining("1024");
  }

  @Test
  void aSplitRegexThatDoesNotCompileIsCorruptNamingThePattern() throws IOException {
    refusedJson(tokenizer(VOCAB, "[]", "\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":["
        + "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(unclosed\"}},{\"type\":\"ByteLevel\"}]},"))
        .hasMessageContaining("(unclosed");
  }

  @Test
  void aBosTokenMissingFromTheVocabularyIsRefusedAtLoad() throws IOException {
    write("tokenizer_config.json", "{\"add_bos_token\":true,\"bos_token\":\"<|begin|>\"}");
    Path f = write("tokenizer.json", tokenizer(VOCAB, "[]", ""));
    refused(() -> Tokenizers.fromTokenizerJson(f), dir.resolve("tokenizer_config.json"))
        .hasMessageContaining("\"bos_token\"").hasMessageContaining("<|begin|>");
  }

  @Test
  void tokenizerConfigFieldsOfWrongTypeAreCorrupt() throws IOException {
    Path json = write("tokenizer.json", tokenizer(VOCAB, "[]", ""));
    Path config = write("tokenizer_config.json", "{\"added_tokens_decoder\":{\"-1\":{\"content\":\"x\"}}}");
    refused(() -> Tokenizers.fromTokenizerJson(json), config).hasMessageContaining("added_tokens_decoder");
    write("tokenizer_config.json", "{\"added_tokens_decoder\":{\"7\":{\"content\":[\"x\"]}}}");
    refused(() -> Tokenizers.fromTokenizerJson(json), config).hasMessageContaining("added_tokens_decoder.7.content");
    write("tokenizer_config.json", "{\"add_bos_token\":\"true\"}");
    refused(() -> Tokenizers.fromTokenizerJson(json), config).hasMessageContaining("add_bos_token");
    write("tokenizer_config.json", "[]");
    refused(() -> Tokenizers.fromTokenizerJson(json), config);
  }

  // ---------------------------------------------------------------- vocab.json + merges.txt

  private Path vocabFolder(String vocab, String merges) throws IOException {
    write("vocab.json", vocab);
    write("merges.txt", merges);
    return dir;
  }

  @Test
  void vocabJsonWithStringIdsIsCorrupt() throws IOException {
    vocabFolder("{\"a\":0,\"b\":\"1\"}", "#version: 0.2\n");
    refused(() -> Tokenizers.forFolder(dir), dir.resolve("vocab.json")).hasMessageContaining("\"b\"");
  }

  @Test
  void invalidUtf8InMergesTxtIsCorruptionNotAnIoError() throws IOException {
    vocabFolder("{\"a\":0,\"b\":1,\"ab\":2}", "#version: 0.2\n");
    Files.write(dir.resolve("merges.txt"), new byte[] {'a', ' ', (byte) 0xff, '\n'});
    refused(() -> Tokenizers.forFolder(dir), dir.resolve("merges.txt")).hasMessageContaining("UTF-8");
  }

  @Test
  void invalidUtf8InVocabJsonIsCorruptionNotAnIoError() throws IOException {
    vocabFolder("{\"a\":0}", "#version: 0.2\n");
    Files.write(dir.resolve("vocab.json"), new byte[] {'{', '"', (byte) 0xfe, '"', ':', '0', '}'});
    refused(() -> Tokenizers.forFolder(dir), dir.resolve("vocab.json")).hasMessageContaining("UTF-8");
  }

  @Test
  void addedTokensJsonWithABadIdIsCorrupt() throws IOException {
    vocabFolder("{\"a\":0,\"b\":1,\"ab\":2}", "#version: 0.2\na b\n");
    write("added_tokens.json", "{\"<|x|>\":-5}");
    refused(() -> Tokenizers.forFolder(dir), dir.resolve("added_tokens.json")).hasMessageContaining("<|x|>");
  }

  @Test
  void aMergesLineIsCutInTheMessage() throws IOException {
    vocabFolder("{\"a\":0,\"b\":1,\"ab\":2}", "#version: 0.2\n" + "z".repeat(10_000) + "\n");
    refused(() -> Tokenizers.forFolder(dir), dir.resolve("merges.txt"))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
  }
}
