package org.mobiedit.core;

/** Receives generated text as it is produced (for streaming output). Called on the generating thread. */
@FunctionalInterface
public interface TokenListener {
  /** No-op listener. */
  TokenListener NONE = (id, text) -> {};

  /**
   * @param tokenId the token just generated
   * @param text the complete UTF-8 text it completes (may be empty while a multi-byte character is pending)
   */
  void onToken(int tokenId, String text);
}
