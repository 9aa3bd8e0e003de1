package org.mobiedit.core.internal.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;
import org.mobiedit.core.internal.tokenizer.SpecialTokenMatcher.Segment;
import org.mobiedit.core.tokenizer.ChatFormat;
import org.mobiedit.core.tokenizer.TokenDecoder;
import org.mobiedit.core.tokenizer.Tokenizer;

/** What both tokenizer kinds share: special-token splitting, BOS handling, decoding through token bytes. */
abstract class AbstractTokenizer implements Tokenizer {
  final Vocabulary vocab;
  private final SpecialTokenMatcher specials;

  AbstractTokenizer(Vocabulary vocab) {
    this.vocab = vocab;
    this.specials = new SpecialTokenMatcher(vocab.matchedInText);
  }

  /** Encodes a piece of plain text (no special tokens in it); {@code atStart} is true for the text's first piece. */
  abstract void encodePlain(String text, boolean atStart, IntList out);

  /** The length in characters of the longest vocabulary entry (added and special tokens included). */
  final int longestTokenChars() {
    int longest = 1;
    for (String t : vocab.tokens) {
      if (t != null) {
        longest = Math.max(longest, t.length());
      }
    }
    return longest;
  }

  /** The bytes a token stands for in decoded text. */
  abstract byte[] tokenBytes(int id);

  @Override
  public int[] encode(String text) {
    return encode(text, true);
  }

  @Override
  public int[] encodeContinuation(String text) {
    return encode(text, false);
  }

  private int[] encode(String text, boolean textStart) {
    IntList out = new IntList();
    boolean atStart = textStart;
    for (Segment s : specials.split(text)) {
      if (s.id() >= 0) {
        out.add(s.id());
      } else {
        encodePlain(s.text(), atStart, out);
      }
      atStart = false;
    }
    return out.toArray();
  }

  @Override
  public int[] encodeForModel(String text) {
    int[] ids = encode(text);
    if (!vocab.addBos) {
      return ids;
    }
    int[] withBos = new int[ids.length + 1];
    withBos[0] = vocab.bos;
    System.arraycopy(ids, 0, withBos, 1, ids.length);
    return withBos;
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int id : ids) {
      byte[] t = tokenBytes(id);
      b.write(t, 0, t.length);
    }
    return new String(b.toByteArray(), StandardCharsets.UTF_8);
  }

  @Override
  public TokenDecoder newDecoder() {
    return new TokenDecoder(this::tokenBytes);
  }

  @Override
  public int vocabSize() {
    return vocab.size();
  }

  @Override
  public String tokenText(int id) {
    return vocab.text(id);
  }

  @Override
  public OptionalInt idOf(String tokenText) {
    return vocab.idOf(tokenText);
  }

  @Override
  public OptionalInt bosId() {
    return vocab.bos == null ? OptionalInt.empty() : OptionalInt.of(vocab.bos);
  }

  @Override
  public int[] eosIds() {
    return Arrays.copyOf(vocab.eos, vocab.eos.length);
  }

  @Override
  public boolean isSpecial(int id) {
    return id >= 0 && id < vocab.special.length && vocab.special[id];
  }

  @Override
  public boolean addsBos() {
    return vocab.addBos;
  }

  @Override
  public ChatFormat chatFormat() {
    return vocab.chatFormat;
  }

  /** A growable int array. */
  static final class IntList {
    private int[] a = new int[16];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
