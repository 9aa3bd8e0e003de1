package org.mobiedit.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Turns a stream of token ids into text, emitting only complete UTF-8 characters: a character split across byte
 * tokens is held back until its last byte arrives. Not thread-safe; one per generation.
 */
public final class TokenDecoder {
  private final IntFunction<byte[]> bytesOf;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  /** @param bytesOf the bytes a token id stands for (a tokenizer's own table) */
  public TokenDecoder(IntFunction<byte[]> bytesOf) {
    this.bytesOf = bytesOf;
  }

  /** Adds a token; returns the text it completes (possibly empty). */
  public String push(int id) {
    byte[] b = bytesOf.apply(id);
    pending.write(b, 0, b.length);
    byte[] all = pending.toByteArray();
    int complete = completePrefix(all);
    pending.reset();
    pending.write(all, complete, all.length - complete);
    return new String(all, 0, complete, StandardCharsets.UTF_8);
  }

  /** Returns whatever is still held back (invalid sequences become U+FFFD). */
  public String flush() {
    String s = new String(pending.toByteArray(), StandardCharsets.UTF_8);
    pending.reset();
    return s;
  }

  /** Length of the longest prefix that does not end inside a multi-byte character. */
  static int completePrefix(byte[] b) {
    int n = b.length;
    // look back at most 3 bytes for an unfinished lead byte
    for (int back = 1; back <= Math.min(3, n); back++) {
      int c = b[n - back] & 0xff;
      if ((c & 0xc0) == 0x80) {
        continue; // continuation byte
      }
      int need = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
      return need > back ? n - back : n;
    }
    return n;
  }
}
