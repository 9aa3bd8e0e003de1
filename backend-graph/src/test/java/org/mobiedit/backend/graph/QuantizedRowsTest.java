package org.mobiedit.backend.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mobiedit.spi.numerics.WeightQuantizer;

/** Row-by-row quantization while writing equals quantizing the whole matrix, whichever is asked for first. */
class QuantizedRowsTest {
  private static final int ROWS = 700; // several 1 MiB chunks at this width
  private static final int COLS = 3001;

  private static float[] matrix() {
    Random r = new Random(3);
    float[] m = new float[ROWS * COLS];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) r.nextGaussian() * (1 + i % 7);
    }
    return m;
  }

  private static byte[] written(ConstantData d) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    d.writeTo(Channels.newChannel(out));
    return out.toByteArray();
  }

  @Test
  void valuesAndScalesAreTheSharedRuleRowByRow() throws IOException {
    float[] m = matrix();
    byte[] q = new byte[m.length];
    float[] scales = new float[ROWS];
    for (int r = 0; r < ROWS; r++) {
      scales[r] = WeightQuantizer.quantizeRow(m, r * COLS, COLS, q, r * COLS);
    }
    ConstantData.RowReader rows = (r, dst) -> System.arraycopy(m, r * COLS, dst, 0, COLS);
    QuantizedRows valuesFirst = new QuantizedRows("w", ROWS, COLS, rows);
    assertThat(written(valuesFirst.data())).isEqualTo(q);
    assertThat(valuesFirst.scales()).isEqualTo(scales);
    QuantizedRows scalesFirst = new QuantizedRows("w", ROWS, COLS, rows);
    assertThat(scalesFirst.scales()).isEqualTo(scales);
    assertThat(written(scalesFirst.data())).isEqualTo(q);
    assertThat(scalesFirst.data().size()).isEqualTo((long) ROWS * COLS);
  }
}
