package org.mobiedit.core.internal.generate;

import java.util.Arrays;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.TokenListener;
import org.mobiedit.core.tokenizer.TokenDecoder;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.InferenceSequence;

/**
 * Continues a prompt token by token with a key/value cache: one prefill call for the prompt, then one single-token
 * call per generated token. Stops at an end-of-sequence token (when asked), after {@code maxTokens}, or when the
 * context is full.
 */
public final class Generator {
  private Generator() {}

  /**
   * Generates from prompt token ids (already including BOS where the model wants it).
   *
   * @throws MobiEditException {@code INVALID_REQUEST} for an empty prompt, {@code CONTEXT_OVERFLOW} when the prompt
   *     alone does not fit in the context
   */
  public static Generation generate(
      BackendModel model, Tokenizer tokenizer, int[] promptIds, GenerationOptions options, TokenListener listener) {
    return generate(model, tokenizer, promptIds, options, (id, piece) -> {
      listener.onToken(id, piece);
      return true;
    });
  }

  /** As {@link #generate(BackendModel, Tokenizer, int[], GenerationOptions, TokenListener)}, stoppable. */
  public static Generation generate(
      BackendModel model, Tokenizer tokenizer, int[] promptIds, GenerationOptions options, StoppableListener listener) {
    int context = model.spec().contextLength();
    checkPrompt(promptIds, context);
    int capacity = (int) Math.min(context, (long) promptIds.length + Math.max(1, options.getMaxTokens()));
    Sampler sampler = new Sampler(options);
    TokenDecoder decoder = tokenizer.newDecoder();
    int[] eos = tokenizer.eosIds();
    int[] generated = new int[Math.max(0, Math.min(options.getMaxTokens(), capacity - promptIds.length + 1))];
    int count = 0;
    StringBuilder text = new StringBuilder();
    Generation.StopReason reason = Generation.StopReason.MAX_TOKENS;
    try (InferenceSequence seq = model.newSequence(capacity)) {
      long start = System.nanoTime();
      float[] logits = seq.append(promptIds);
      long prefillDone = System.nanoTime();
      while (count < options.getMaxTokens()) {
        int id = sampler.next(logits);
        if (options.isStopAtEos() && contains(eos, id)) {
          reason = Generation.StopReason.END_OF_SEQUENCE;
          break;
        }
        generated[count++] = id;
        String piece = decoder.push(id);
        text.append(piece);
        if (!listener.onToken(id, piece)) {
          reason = Generation.StopReason.STOPPED;
          break;
        }
        if (count == options.getMaxTokens()) {
          break;
        }
        if (seq.length() >= capacity) {
          reason = Generation.StopReason.CONTEXT_FULL;
          break;
        }
        logits = seq.append(new int[] {id});
      }
      String rest = decoder.flush();
      if (!rest.isEmpty()) {
        text.append(rest);
        if (reason != Generation.StopReason.STOPPED) {
          listener.onToken(-1, rest);
        }
      }
      long end = System.nanoTime();
      return new Generation(promptIds, Arrays.copyOf(generated, count), text.toString(), reason,
          prefillDone - start, end - prefillDone);
    }
  }

  /**
   * Encodes a prompt text as the model expects it ({@link Tokenizer#encodeForModel}) after refusing, without
   * tokenizing it, a text with more characters than the context can hold ({@link #checkPromptText}); then checks the
   * ids ({@link #checkPrompt}).
   *
   * @throws MobiEditException {@code CONTEXT_OVERFLOW} or {@code INVALID_REQUEST}
   */
  public static int[] encodePrompt(Tokenizer tokenizer, String text, int context) {
    checkPromptText(tokenizer, text, context);
    int[] ids = tokenizer.encodeForModel(text);
    checkPrompt(ids, context);
    return ids;
  }

  /**
   * Refuses a prompt text that cannot fit in the context, before it is tokenized: a token stands for at most
   * {@link Tokenizer#maxCharsPerToken()} characters, so a text longer than {@code context} times that needs more
   * tokens than the context holds. This bounds the text a request makes the tokenizer work on.
   *
   * @throws MobiEditException {@code CONTEXT_OVERFLOW}, naming the character count and the limit (not the text)
   */
  public static void checkPromptText(Tokenizer tokenizer, String text, int context) {
    int perToken = tokenizer.maxCharsPerToken();
    long limit = (long) Math.max(0, context) * perToken;
    if (text.length() > limit) {
      throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
          "The prompt has " + text.length() + " characters, more than the model's context of " + context
              + " tokens can hold with this tokenizer (at most " + perToken + " characters per token, so at most "
              + limit + " characters): shorten the prompt.");
    }
  }

  /**
   * Checks prompt ids before any work: not empty, and no longer than the context.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} or {@code CONTEXT_OVERFLOW}
   */
  public static void checkPrompt(int[] promptIds, int context) {
    if (promptIds.length == 0) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          "The prompt is empty and this model has no beginning-of-sequence token to start from: give a prompt text.");
    }
    if (promptIds.length > context) {
      throw new MobiEditException(MobiEditException.Reason.CONTEXT_OVERFLOW,
          "The prompt has " + promptIds.length + " tokens but the model's context holds " + context
              + ": shorten the prompt by at least " + (promptIds.length - context) + " tokens.");
    }
  }

  private static boolean contains(int[] ids, int id) {
    for (int e : ids) {
      if (e == id) {
        return true;
      }
    }
    return false;
  }

  /** A token listener that may stop the generation: false ends it with {@link Generation.StopReason#STOPPED}. */
  @FunctionalInterface
  public interface StoppableListener {
    boolean onToken(int tokenId, String text);
  }
}
