package org.mobiedit.core.tokenizer;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * The regular expressions that split text into words before byte-level BPE: the published patterns of each model
 * family. {@code \s} means Unicode white space in the Rust and Python implementations but only ASCII white space in
 * Java, and Android's regex engine does not support {@code UNICODE_CHARACTER_CLASS}; so every {@code \s} and
 * {@code \S} is rewritten to an explicit class of the Unicode White_Space characters, which both engines read the
 * same way. {@code \p{L}} and {@code \p{N}} are Unicode categories everywhere.
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

  /** The Unicode White_Space characters, as the inside of a character class. */
  static final String WHITE_SPACE = "\\t\\n\\x{0B}\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
      + "\\x{202F}\\x{205F}\\x{3000}";

  static Pattern compile(String regex) {
    return Pattern.compile(unicodeWhiteSpace(regex));
  }

  /** Rewrites {@code \s} / {@code \S} to explicit Unicode white-space classes, inside and outside brackets. */
  static String unicodeWhiteSpace(String regex) {
    StringBuilder out = new StringBuilder(regex.length() + 64);
    int depth = 0;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < regex.length()) {
        char n = regex.charAt(i + 1);
        if (n == 's') {
          out.append(depth > 0 ? WHITE_SPACE : "[" + WHITE_SPACE + "]");
        } else if (n == 'S' && depth == 0) {
          out.append("[^").append(WHITE_SPACE).append(']');
        } else {
          out.append(c).append(n);
        }
        i++;
        continue;
      }
      if (c == '[') {
        depth++;
      } else if (c == ']' && depth > 0) {
        depth--;
      }
      out.append(c);
    }
    return out.toString();
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
