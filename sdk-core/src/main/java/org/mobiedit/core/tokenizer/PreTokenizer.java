package org.mobiedit.core.tokenizer;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * The regular expressions that split text into words before byte-level BPE. They are the published patterns of
 * each model family, compiled with Unicode character classes so that {@code \s} and {@code \p{L}} mean what they
 * mean in the Rust and Python implementations.
 */
final class PreTokenizer {
  private PreTokenizer() {}

  static final String GPT2 =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
  /** Qwen2: contractions case-insensitive, single digits, newlines kept with punctuation runs. */
  static final String QWEN2 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
          + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  /** Llama 3: like Qwen2 but digits in groups of up to three. */
  static final String LLAMA3 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
          + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  static Pattern compile(String regex) {
    return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
  }

  /** The pattern for a GGUF {@code tokenizer.ggml.pre} name (null or unknown → GPT-2). */
  static Pattern forGgufName(@Nullable String pre) {
    String p = pre == null ? "default" : pre.toLowerCase(Locale.ROOT);
    switch (p) {
      case "qwen2":
      case "deepseek-r1-qwen":
        return compile(QWEN2);
      case "llama3":
      case "llama-bpe":
      case "llama-v3":
      case "smaug-bpe":
        return compile(LLAMA3);
      default:
        return compile(GPT2);
    }
  }

  /** Compiles a pattern taken from a tokenizer.json, falling back to {@code fallback} if Java cannot compile it. */
  static Pattern fromTokenizerJson(String regex, Pattern fallback) {
    try {
      return compile(regex);
    } catch (PatternSyntaxException e) {
      return fallback;
    }
  }
}
