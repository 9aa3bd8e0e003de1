package org.mobiedit.core.internal.edit;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import org.mobiedit.api.EditRequest;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.ModelSpec;

/**
 * Small hand-made pieces for the engine's steps: a tokenizer with one token per character (a space is 1, 'a'..'z'
 * are 2..27, anything else 28; {@code encodeForModel} puts BOS 0 first), a tiny spec, and the batch of an edit.
 */
final class HandMadeEdit {
  static final int VOCAB = 32;
  /** "Tom saw a" → " x": the plain row is BOS T o m ␠ s a w ␠ a ␠ (the target's first token), lookup at 'm'. */
  static final EditRequest REQUEST = EditRequest.of("Tom", "{} saw a", "x");

  private HandMadeEdit() {}

  static int id(char c) {
    return c == ' ' ? 1 : c >= 'a' && c <= 'z' ? 2 + c - 'a' : c >= 'A' && c <= 'Z' ? 2 + c - 'A' : 28;
  }

  static int[] ids(String s) {
    int[] out = new int[s.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = id(s.charAt(i));
    }
    return out;
  }

  static Tokenizer tokenizer() {
    Tokenizer t = mock(Tokenizer.class);
    when(t.maxCharsPerToken()).thenReturn(8);
    when(t.encodeContinuation(anyString())).thenAnswer(a -> ids(a.getArgument(0)));
    when(t.encodeForModel(anyString())).thenAnswer(a -> {
      int[] ids = ids(a.getArgument(0));
      int[] out = new int[ids.length + 1];
      System.arraycopy(ids, 0, out, 1, ids.length);
      return out;
    });
    return t;
  }

  static ModelSpec spec(int hidden, int intermediate) {
    return ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(hidden).intermediateSize(intermediate)
        .layers(4).heads(1).vocabSize(VOCAB).contextLength(64).build();
  }

  /** The batch of {@link #REQUEST} with the given templates. */
  static EditBatch batch(String... templates) {
    return EditBatch.build(tokenizer(), REQUEST, List.of(templates), 64);
  }
}
