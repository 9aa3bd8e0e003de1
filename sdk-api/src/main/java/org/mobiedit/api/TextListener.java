package org.mobiedit.api;

/**
 * Receives generated text as it is produced ({@link Editor#generate(String, GenerationOptions, TextListener)}), on the
 * generating thread, and may stop the generation.
 */
@FunctionalInterface
public interface TextListener {
  /**
   * @param piece the text the latest token completes (empty while a multi-byte character is pending)
   * @return true to go on, false to stop: the generation then ends at once with {@link Generation.StopReason#STOPPED}
   */
  boolean onText(String piece);
}
