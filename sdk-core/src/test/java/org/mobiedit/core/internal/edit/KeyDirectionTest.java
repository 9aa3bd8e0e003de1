package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.MlpCapture;
import org.mockito.ArgumentCaptor;

/** The key of an edit is the mean of its rows' keys; u = k̄/|k̄|; k_p·u and |t0|² come from the plain row. */
class KeyDirectionTest {
  @Test
  void theMeanKeyAveragesTheRowsKeys() {
    assertArrayEquals(new double[] {2, 3, -1}, KeyDirection.meanKey(new float[][] {{1, 2, 0}, {3, 4, -2}}));
  }

  @Test
  void theDirectionIsTheUnitMeanKeyAndTheDivisorIsThePlainKeyAlongIt() {
    EditBatch batch = HandMadeEdit.batch("{}", "A. {}");
    BackendModel model = mock(BackendModel.class);
    when(model.precision()).thenReturn(Precision.FP32);
    // Plain row: k_p = (1, 2, 0), t0 = (3, 4); the other row's key (5, 6, 0) makes k̄ = (3, 4, 0).
    when(model.captureMlp(any(), eq(2), any())).thenReturn(
        new MlpCapture(new float[][] {{1, 2, 0}, {5, 6, 0}}, new float[][] {{3, 4}, {9, 9}}));
    KeyDirection key = KeyDirection.capture(model, batch, 2, EditOptions.defaults(),
        new KeyStatisticsCache(model, HandMadeEdit.tokenizer()));
    assertArrayEquals(new float[] {0.6f, 0.8f, 0}, key.u());
    assertThat(key.keyDotU()).isCloseTo(1 * 0.6 + 2 * 0.8, org.assertj.core.data.Offset.offset(1e-7)); // 2.2
    assertThat(key.t0NormSquared()).isEqualTo(25.0);
  }

  @Test
  void theKeysAreReadAtTheSubjectsLastTokenOfEachPromptWithoutTheTarget() {
    EditBatch batch = HandMadeEdit.batch("{}", "A. {}");
    BackendModel model = mock(BackendModel.class);
    when(model.captureMlp(any(), eq(1), any())).thenReturn(
        new MlpCapture(new float[][] {{1, 0, 0}, {1, 0, 0}}, new float[][] {{1, 0}, {1, 0}}));
    KeyDirection.capture(model, batch, 1, EditOptions.defaults(), new KeyStatisticsCache(model,
        HandMadeEdit.tokenizer()));
    ArgumentCaptor<int[][]> rows = ArgumentCaptor.forClass(int[][].class);
    ArgumentCaptor<int[]> at = ArgumentCaptor.forClass(int[].class);
    verify(model).captureMlp(rows.capture(), eq(1), at.capture());
    assertThat(rows.getValue()).hasNumberOfRows(2); // the rewrite rows only, not the essence row
    assertArrayEquals(batch.plainContext, rows.getValue()[0]);
    assertArrayEquals(new int[] {3, 6}, at.getValue()); // 'm' of "Tom", after BOS (and "A. " in the second)
  }

  @Test
  void dotAndSquaredNormAreAccumulatedInDouble() {
    assertThat(KeyDirection.dot(new float[] {1, 2, 3}, new float[] {4, 5, 6})).isEqualTo(32.0);
    assertThat(KeyDirection.squaredNorm(new float[] {3, 4})).isEqualTo(25.0);
    assertThat(KeyDirection.squaredNorm(new float[] {1e30f, 1e30f})).isFinite();
  }
}
