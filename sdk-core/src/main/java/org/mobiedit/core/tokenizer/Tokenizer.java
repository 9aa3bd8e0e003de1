package org.mobiedit.core.tokenizer;

import java.util.OptionalInt;

/**
 * Text to token ids and back, for one model's vocabulary.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Tokenizer {

  /**
   * Encodes text without BOS/EOS. Added and special tokens written literally in the text (for example
   * {@code <|im_start|>}) are recognised and become their single id.
   */
  int[] encode(String text);

  /**
   * Encodes text that continues other text: like {@link #encode(String)}, but a SentencePiece tokenizer adds no
   * prefix space (so {@code encodeForModel(a) + encodeContinuation(b)} spells {@code a + b}).
   */
  int[] encodeContinuation(String text);

  /** Encodes text as a prompt: {@link #encode(String)} preceded by BOS when the model expects one. */
  int[] encodeForModel(String text);

  /** Decodes ids to text (special tokens rendered as their text); the inverse of {@link #encode(String)}. */
  String decode(int[] ids);

  /** A streaming decoder for a continuation (generated tokens after a prompt). */
  TokenDecoder newDecoder();

  int vocabSize();

  /**
   * The most characters of text one token can stand for (derived once from the longest vocabulary entry), so that a
   * text longer than {@code contextLength × maxCharsPerToken()} characters cannot fit in the context and can be
   * refused before it is tokenized. {@link Integer#MAX_VALUE} when no bound is known.
   */
  default int maxCharsPerToken() {
    return Integer.MAX_VALUE;
  }

  /** The vocabulary entry of a token, as stored (e.g. {@code "Ġthe"}, {@code "▁the"}, {@code "<0x0A>"}). */
  String tokenText(int id);

  /** The id of a vocabulary entry. */
  OptionalInt idOf(String tokenText);

  OptionalInt bosId();

  /** Tokens that end a sequence (for example Qwen's {@code <|im_end|>} and {@code <|endoftext|>}). */
  int[] eosIds();

  /** Whether a token is a special/control token rather than text. */
  boolean isSpecial(int id);

  /** Whether {@link #encodeForModel} prepends BOS. */
  boolean addsBos();

  /** The chat format of instruct models, or {@link ChatFormat#NONE}. */
  ChatFormat chatFormat();
}
