package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;

/**
 * The loss on hand-made logits (vocabulary 32, target " x" of 2 tokens): mean target NLL over the rewrite rows, plus
 * the KL term of the essence row, plus the weight decay |δ|/|t0|².
 */
class EditLossTest {
  private static final int V = HandMadeEdit.VOCAB;
  private final EditBatch batch = HandMadeEdit.batch("{}", "A. {}");

  /** Logits for both rewrite rows (each label: {@code target} at {@code targetLogit}, others 0) and the essence row. */
  private float[][][] logits(float targetLogit, float[] essence) {
    float[][][] out = new float[3][][];
    for (int r = 0; r < 2; r++) {
      out[r] = new float[2][V];
      for (int j = 0; j < 2; j++) {
        out[r][j][batch.target[j]] = targetLogit;
      }
    }
    out[2] = new float[][] {essence};
    return out;
  }

  @Test
  void uniformLogitsCostLogVocabularyPerTargetToken() {
    EditLoss loss = new EditLoss(batch, new float[V], 0.0625, 0, 1);
    assertThat(loss.value(logits(0, new float[V]), new float[4])).isCloseTo(Math.log(V), within(1e-12));
  }

  @Test
  void aTargetLogitOfLnThirtyOneMakesItEvenOdds() {
    // exp(ln 31) = 31 against 31 tokens of exp(0): p = 1/2, NLL = ln 2.
    EditLoss loss = new EditLoss(batch, new float[V], 0.0625, 0, 1);
    assertThat(loss.value(logits((float) Math.log(31), new float[V]), new float[4]))
        .isCloseTo(Math.log(2), within(1e-6));
  }

  @Test
  void theWeightDecayIsTheUnsquaredNormOfDeltaOverTheSquaredNormOfT0() {
    EditLoss loss = new EditLoss(batch, new float[V], 0, 1e-3, 25);
    double base = loss.value(logits(0, new float[V]), new float[4]);
    assertThat(loss.value(logits(0, new float[V]), new float[] {3, 4, 0, 0}) - base)
        .isCloseTo(1e-3 * 5 / 25, within(1e-15));
  }

  @Test
  void theKlTermKeepsTheEssenceDistributionWhereItWas() {
    float[] essence0 = new float[V];
    float[] moved = new float[V];
    moved[5] = (float) Math.log(3); // token 5 three times as likely as each of the other 31
    EditLoss loss = new EditLoss(batch, essence0, 0.0625, 0, 1);
    double unchanged = loss.value(logits(0, essence0), new float[4]);
    double shifted = loss.value(logits(0, moved), new float[4]);
    // KL(p ‖ uniform) with p_5 = 3/34, the others 1/34: (3/34) ln(96/34) + (31/34) ln(32/34).
    double kl = 3.0 / 34 * Math.log(96.0 / 34) + 31.0 / 34 * Math.log(32.0 / 34);
    assertThat(shifted - unchanged).isCloseTo(0.0625 * kl, within(1e-7));
  }

  @Test
  void theEditsLossReadsTheUneditedEssenceDistributionOnce() {
    ToyModel model = new ToyModel(batch.target);
    EditLoss loss = EditLoss.forEdit(model, batch, EditOptions.defaults(), 25);
    assertThat(model.calls).containsExactly("forward");
    assertThat(loss.value(logits(0, new float[V]), new float[4])).isCloseTo(Math.log(V), within(1e-12));
  }
}
