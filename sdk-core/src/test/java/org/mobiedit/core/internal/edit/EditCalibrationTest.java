package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.BackendModel;
import org.mockito.ArgumentCaptor;

/** Static activation scales come from the edit's own rows, and only when activations are quantized. */
class EditCalibrationTest {
  private static BackendModel model(Precision p) {
    BackendModel m = mock(BackendModel.class);
    when(m.precision()).thenReturn(p);
    when(m.spec()).thenReturn(HandMadeEdit.spec(4, 3));
    return m;
  }

  @Test
  void floatActivationsAreNeverCalibrated() {
    BackendModel m = model(Precision.INT8);
    EditCalibration.calibrateOnPrompt(m, HandMadeEdit.tokenizer(), HandMadeEdit.REQUEST);
    EditCalibration.calibrateOnEdit(m, HandMadeEdit.batch("{}"));
    verify(m, never()).calibrateActivations(any());
  }

  @Test
  void beforeTheTemplatesTheScalesComeFromThePlainPromptAndTarget() {
    BackendModel m = model(Precision.INT8_A8);
    EditCalibration.calibrateOnPrompt(m, HandMadeEdit.tokenizer(), HandMadeEdit.REQUEST);
    ArgumentCaptor<int[][]> rows = ArgumentCaptor.forClass(int[][].class);
    verify(m).calibrateActivations(rows.capture());
    assertThat(rows.getValue()).hasNumberOfRows(1);
    assertArrayEquals(RewriteCheck.row(HandMadeEdit.batch("{}")), rows.getValue()[0]);
  }

  @Test
  void thenFromEveryRowOfTheSearchAndTheSuccessChecksRow() {
    BackendModel m = model(Precision.INT8_A16);
    EditBatch batch = HandMadeEdit.batch("{}", "A. {}");
    EditCalibration.calibrateOnEdit(m, batch);
    ArgumentCaptor<int[][]> rows = ArgumentCaptor.forClass(int[][].class);
    verify(m).calibrateActivations(rows.capture());
    assertThat(rows.getValue()).hasNumberOfRows(4);
    for (int r = 0; r < 3; r++) {
      assertArrayEquals(batch.rows[r], rows.getValue()[r]);
    }
    assertArrayEquals(RewriteCheck.row(batch), rows.getValue()[3]);
  }
}
