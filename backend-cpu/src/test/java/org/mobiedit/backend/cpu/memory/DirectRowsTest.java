package org.mobiedit.backend.cpu.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;

/** Rows written once and copied back, across the boundary between two buffers. */
class DirectRowsTest {
  @Test
  void rowsStraddlingTwoBuffersComeBackAsWritten() {
    // 3 float rows of 5 per 64-byte buffer: 7 rows take three buffers.
    DirectRows floats = DirectRows.withChunkBytes(7, 5, Float.BYTES, 64);
    DirectRows bytes = DirectRows.withChunkBytes(7, 5, 1, 16);
    for (int r = 0; r < 7; r++) {
      float[] f = new float[5];
      byte[] b = new byte[5];
      for (int c = 0; c < 5; c++) {
        f[c] = r * 10 + c + 0.5f;
        b[c] = (byte) (r * 10 + c);
      }
      floats.putFloats(r, f, 0);
      bytes.putBytes(r, b, 0);
    }
    float[] f = new float[4 * 5];
    byte[] b = new byte[4 * 5];
    floats.copyFloats(2, 4, f);
    bytes.copyBytes(2, 4, b);
    for (int i = 0; i < 20; i++) {
      assertThat(f[i]).isEqualTo((2 + i / 5) * 10 + i % 5 + 0.5f);
      assertThat(b[i]).isEqualTo((byte) ((2 + i / 5) * 10 + i % 5));
    }
    assertThat(floats.bytes()).isEqualTo(7 * 5 * 4);
    assertThat(bytes.bytes()).isEqualTo(7 * 5);
  }

  @Test
  void aRowWiderThanABufferIsRefusedByName() {
    assertThatThrownBy(() -> DirectRows.withChunkBytes(2, 20, Float.BYTES, 64))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("does not fit one buffer");
    assertThatThrownBy(() -> DirectRows.floats(2, 3).copyFloats(2, 1, new float[3]))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
