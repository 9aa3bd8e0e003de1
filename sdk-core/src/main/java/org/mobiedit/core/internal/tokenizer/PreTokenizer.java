package org.mobiedit.core.internal.tokenizer;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;

/**
 * The regular expressions that split text into words before byte-level BPE: the published patterns of each model
 * family. {@code \s} means Unicode white space in the Rust and Python implementations but only ASCII white space in
 * Java, and Android's regex engine does not support {@code UNICODE_CHARACTER_CLASS}; so every {@code \s} and
 * {@code \S} is rewritten to an explicit class of the Unicode White_Space characters, which both engines read the
 * same way. {@code \p{L}} and {@code \p{N}} are Unicode categories everywhere.
 *
 * <p>A pattern read from a tokenizer.json can backtrack catastrophically ({@code (.*a){12}$} takes longer than the
 * age of the universe on 40 characters), so {@link #split} bounds the work: the matcher reads the text through a
 * {@link CharSequence} that counts its reads and gives up after {@link #STEPS_PER_CHAR} reads per character (plus
 * {@link #BASE_STEPS}).
 */
final class PreTokenizer {
  /**
   * Character reads allowed per character of text. The built-in patterns read a character at most 16 times on
   * hostile text (long white-space runs, {@code "!\n"} repeated, lone surrogates) and about 10 on mixed text; a read
   * costs some 10 to 30 ns in the engine, so a pattern that backtracks gives up on a million characters within
   * seconds.
   */
  static final long STEPS_PER_CHAR = 200;
  /** Character reads allowed on top, so that short texts may backtrack a little. */
  static final long BASE_STEPS = 1_000_000;

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

  /**
   * Splits {@code text} into the pieces the pattern matches, in order (empty matches and text between matches are
   * dropped, as before), giving each to {@code piece}.
   *
   * @throws MobiEditException {@code TOKENIZER_CORRUPT} if the pattern needs more than {@link #stepBudget} character
   *     reads on this text, or recurses too deep: a pattern that backtracks catastrophically
   */
  static void split(Pattern pattern, String text, Consumer<String> piece) {
    long budget = stepBudget(text.length());
    Matcher m = pattern.matcher(new CountedText(text, budget));
    try {
      while (m.find()) {
        int start = m.start();
        int end = m.end();
        if (end > start) {
          piece.accept(text.substring(start, end));
        }
      }
    } catch (StepBudgetExceeded e) {
      throw tooSlow(pattern, text.length(), "it needed more than " + budget + " steps", e);
    } catch (StackOverflowError e) {
      // java.util.regex recurses per repetition of a group: a narrow catch at the one call into the engine.
      throw tooSlow(pattern, text.length(), "it recursed too deep", e);
    }
  }

  /** The character reads a pattern may make on a text of {@code chars} characters. */
  static long stepBudget(int chars) {
    return STEPS_PER_CHAR * chars + BASE_STEPS;
  }

  private static MobiEditException tooSlow(Pattern pattern, int chars, String what, Throwable cause) {
    return new MobiEditException(MobiEditException.Reason.TOKENIZER_CORRUPT,
        "The tokenizer's pre-tokenizer pattern (pre_tokenizer Split regex " + Excerpt.quoted(asWritten(pattern))
            + ") is too slow on this text of " + chars + " characters (catastrophic backtracking: " + what
            + "). Restore the model's original tokenizer.json.", cause);
  }

  /** The pattern with the white-space classes {@link #unicodeWhiteSpace} wrote turned back into \s / \S. */
  static String asWritten(Pattern pattern) {
    return pattern.pattern()
        .replace("[^" + WHITE_SPACE + "]", "\\S")
        .replace("[" + WHITE_SPACE + "]", "\\s")
        .replace(WHITE_SPACE, "\\s");
  }

  /** Thrown by {@link CountedText} when the matcher has read more characters than allowed. */
  private static final class StepBudgetExceeded extends RuntimeException {
    StepBudgetExceeded() {
      super(null, null, false, false);
    }
  }

  /** The text as the matcher reads it, counting every character read against a budget. */
  private static final class CountedText implements CharSequence {
    private final String text;
    private final long budget;
    private long reads;

    CountedText(String text, long budget) {
      this.text = text;
      this.budget = budget;
    }

    @Override
    public char charAt(int index) {
      if (++reads > budget) {
        throw new StepBudgetExceeded();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.substring(start, end);
    }

    @Override
    public String toString() {
      return text;
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
