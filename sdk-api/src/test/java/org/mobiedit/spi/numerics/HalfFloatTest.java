package org.mobiedit.spi.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HalfFloatTest {
  @Test
  void everyHalfRoundTripsThroughFloat() {
    for (int h = 0; h < 65536; h++) {
      float f = HalfFloat.toFloat(h);
      if (Float.isNaN(f)) {
        assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(f))).isNaN();
      } else {
        assertEquals((short) h, HalfFloat.fromFloat(f), "half 0x" + Integer.toHexString(h));
      }
    }
  }

  @Test
  void knownValuesAndRoundingToNearestEven() {
    assertEquals(1f, HalfFloat.toFloat(0x3c00));
    assertEquals(-2f, HalfFloat.toFloat(0xc000));
    assertEquals(65504f, HalfFloat.toFloat(0x7bff));
    assertEquals(0x1p-24f, HalfFloat.toFloat(0x0001));
    assertEquals(Float.NEGATIVE_INFINITY, HalfFloat.toFloat(0xfc00));
    assertThat(HalfFloat.toFloat(0x7e00)).isNaN();
    // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties go to the even significand, 1.
    assertEquals((short) 0x3c00, HalfFloat.fromFloat(1f + 0x1p-11f));
    assertEquals((short) 0x3c02, HalfFloat.fromFloat(1f + 3 * 0x1p-11f));
    assertEquals((short) 0x7c00, HalfFloat.fromFloat(65520f), "rounds up to infinity");
    assertEquals((short) 0x8000, HalfFloat.fromFloat(-0x1p-26f), "too small: a signed zero");
    assertEquals((short) 0x0001, HalfFloat.fromFloat(0x1p-24f));
  }
}
