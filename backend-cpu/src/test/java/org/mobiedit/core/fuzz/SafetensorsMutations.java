package org.mobiedit.core.fuzz;

import java.util.SplittableRandom;

/**
 * Mutations of a safetensors header (the 8-byte length and the JSON after it): the JSON is mutated structurally
 * (shapes, dtypes, data offsets of a tensor entry are near the root) and the length field is rewritten to match,
 * except one time in ten when it gets an interesting value instead; one time in ten the header bytes are mutated
 * blindly.
 */
final class SafetensorsMutations {
  private SafetensorsMutations() {}

  /** A new header (length field + JSON) for a seed whose header JSON is {@code json}. */
  static byte[] mutateHeader(JsonTree.Node json, byte[] header, SplittableRandom r, StringBuilder log) {
    if (r.nextInt(10) == 0) {
      return ByteMutations.mutate(header, header.length, null, r, log);
    }
    byte[] text = JsonMutations.mutate(json, java.util.Arrays.copyOfRange(header, 8, header.length), r, log);
    byte[] out = new byte[8 + text.length];
    System.arraycopy(text, 0, out, 8, text.length);
    long length = text.length;
    if (r.nextInt(10) == 0) {
      length = Interesting.near(text.length, r, out.length);
      log.append(" header length field := ").append(length).append(';');
    }
    LittleEndian.put(out, 0, 8, length);
    return out;
  }
}
