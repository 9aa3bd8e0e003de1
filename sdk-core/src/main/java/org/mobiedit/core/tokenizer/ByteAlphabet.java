package org.mobiedit.core.tokenizer;

/**
 * GPT-2's byte ↔ character table used by byte-level BPE vocabularies: printable bytes stand for themselves, the
 * others map to U+0100 onwards, so every byte has a visible one-character token.
 */
public final class ByteAlphabet {
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      BYTE_TO_CHAR[b] = (char) (printable ? b : next++);
    }
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    for (int b = 0; b < 256; b++) {
      CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
    }
  }

  private ByteAlphabet() {}

  /** The character that stands for byte {@code b} (0..255). */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xff];
  }

  /** The byte a character stands for, or -1 if it is not in the table. */
  public static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }
}
