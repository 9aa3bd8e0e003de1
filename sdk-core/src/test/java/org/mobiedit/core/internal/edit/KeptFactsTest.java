package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.LossTerms;

/**
 * An earlier fact of the same subject kept by the search (EditBatch#withKeptFacts): its row sits between the rewrite
 * rows and the essence row, the loss and the success check count it with its own answer.
 */
class KeptFactsTest {
  private static final EditRequest KEPT = EditRequest.of("Tom", "{} ate", "yz");

  private static EditBatch batch() {
    return HandMadeEdit.batch("{}", "A. {}").withKeptFacts(List.of(plainKept()));
  }

  private static EditBatch plainKept() {
    return EditBatch.build(HandMadeEdit.tokenizer(), KEPT, List.of("{}"), 64);
  }

  @Test
  void theKeptRowComesBeforeTheEssenceRowWithItsOwnAnswer() {
    EditBatch plain = HandMadeEdit.batch("{}", "A. {}");
    EditBatch b = batch();
    EditBatch alone = plainKept();
    assertThat(b.rewriteRows()).isEqualTo(2);
    assertThat(b.targetRows()).isEqualTo(3);
    assertThat(b.rows).hasNumberOfRows(4);
    assertArrayEquals(plain.rows[0], b.rows[0]);
    assertArrayEquals(plain.rows[1], b.rows[1]);
    assertArrayEquals(alone.rows[0], b.rows[2]);
    assertThat(b.lookup[2]).isEqualTo(alone.lookup[0]);
    assertArrayEquals(alone.labelPositions[0], b.labelPositions[2]);
    assertArrayEquals(plain.rows[plain.essenceRow()], b.rows[b.essenceRow()]);
    assertArrayEquals(plain.target, b.targetOf(1));
    assertArrayEquals(HandMadeEdit.ids(" yz"), b.targetOf(2));
    assertThat(plain.withKeptFacts(List.of())).isSameAs(plain);
  }

  @Test
  void theLossAveragesTheKeptRowWithTheRewriteRows() {
    EditBatch b = batch();
    EditLoss loss = new EditLoss(b, new float[HandMadeEdit.VOCAB], 0, 0, 1);
    assertArrayEquals(b.targetOf(2), loss.request().labels(2));
    LossTerms.Point p = loss.request().newPoint();
    // log-probabilities: -1 for every label of the rewrite rows, -4 for every label of the kept row
    float[] logits = new float[HandMadeEdit.VOCAB];
    for (int r = 0; r < b.targetRows(); r++) {
      for (int k = 0; k < b.targetOf(r).length; k++) {
        float[] row = logits.clone();
        int label = b.targetOf(r)[k];
        double want = r < 2 ? -1 : -4;
        fillFor(row, label, want);
        loss.request().evaluateAt(r, k, row, 0, HandMadeEdit.VOCAB, p);
      }
    }
    double expected = (1 + 1 + 4) / 3.0;
    assertThat(loss.value(p, new float[4])).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
  }

  /** Logits that give {@code label} the log-probability {@code logProb} (others equal). */
  private static void fillFor(float[] row, int label, double logProb) {
    int n = row.length;
    double p = Math.exp(logProb);
    double other = (1 - p) / (n - 1);
    for (int i = 0; i < n; i++) {
      row[i] = (float) Math.log(i == label ? p : other);
    }
  }

  @Test
  void theCheckFailsWhenTheKeptFactIsNoLongerAnswered() {
    EditBatch b = batch();
    BackendModel model = mock(BackendModel.class);
    when(model.precision()).thenReturn(Precision.FP32);
    // the new fact is answered; the kept one's first token is not
    when(model.forward(any(), any())).thenAnswer(a -> {
      int[][] rows = a.getArgument(0);
      int[][] positions = a.getArgument(1);
      float[][][] out = new float[rows.length][][];
      for (int r = 0; r < rows.length; r++) {
        int[] target = r == 0 ? b.target : b.keptTargets[r - 1];
        out[r] = new float[positions[r].length][HandMadeEdit.VOCAB];
        for (int k = 0; k < positions[r].length; k++) {
          out[r][k][r == 0 ? target[k] : (target[k] + 1) % HandMadeEdit.VOCAB] = 5;
        }
      }
      return out;
    });
    assertThat(new RewriteCheck(model, b).passes()).isFalse();
    assertThat(new RewriteCheck(model, HandMadeEdit.batch("{}", "A. {}")).passes()).isTrue();
  }
}
