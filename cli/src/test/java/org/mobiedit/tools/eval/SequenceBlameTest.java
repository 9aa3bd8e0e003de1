package org.mobiedit.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Editor;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.world.WorldModel;

/** {@link SequenceBlame} on two demo-world edits: it names the edit that moves a fact, and its shares add up. */
class SequenceBlameTest {
  @TempDir Path dir;

  @Test
  void theEditOfASubjectIsBlamedForItsOldAnswerAndTheSharesAddUp() {
    try (Model lm = MobiEdit.load(WorldModel.extract(), LoadOptions.defaults())) {
      Editor editor = MobiEdit.open(lm, EditOptions.recommended());
      assertThat(editor.edit(EditRequest.of("Melmal", "{} speaks", "Zenemeshese")).isSuccess()).isTrue();
      assertThat(editor.edit(EditRequest.of("Zevour", "{} was born in", "Gaizobu")).isSuccess()).isTrue();
      List<String> names = List.copyOf(editor.getAppliedEdits());
      Path patch = dir.resolve("two.medp");
      editor.save(patch);
      int[] fosler = lm.tokenizer().encodeContinuation(" Fosler"); // Zevour's birthplace before the edit
      List<SequenceBlame.Neighbour> neighbours = List.of(
          new SequenceBlame.Neighbour(7, "Zevour was born in", fosler, " Fosler", " Gaizobu"));
      List<SequenceBlame.Text> texts = List.of(
          new SequenceBlame.Text("The", lm.tokenizer().encodeContinuation(" home of Zevour is in Fosler.")),
          new SequenceBlame.Text("She", lm.tokenizer().encodeContinuation(" speaks Zenemeshese.")));
      double[] before = probe(lm);

      SequenceBlame.Result r = new SequenceBlame(lm, editor).blame(patch,
          Map.of(names.get(0), 3, names.get(1), 5), texts, neighbours);

      assertEquals(names, editor.getAppliedEdits()); // the editor holds the whole patch again
      assertThat(probe(lm)).containsExactly(before); // bit for bit
      assertThat(r.edits()).extracting(SequenceBlame.EditShare::caseIndex).containsExactly(3, 5);
      SequenceBlame.NeighbourBlame n = r.neighbours().get(0);
      assertThat(n.worst().get(0).caseIndex()).isEqualTo(5); // Zevour's own edit
      assertThat(n.worst().get(0).harm()).isGreaterThan(SequenceBlame.LOWERS);
      assertThat(r.edits().get(1).neighboursLowered()).isEqualTo(1);
      // the shares add up to the log ratio of the texts' NLL with and without the edits, scored here independently
      double with = nll(lm, texts);
      editor.undoLast();
      editor.undoLast();
      double without = nll(lm, texts);
      long tokens = texts.stream().mapToLong(t -> t.ids().length).sum();
      double shares = r.edits().stream().mapToDouble(SequenceBlame.EditShare::perplexityShare).sum();
      assertEquals((with - without) / tokens, r.perplexityLogRatio(), 1e-12);
      assertEquals(r.perplexityLogRatio(), shares, 1e-12);
    }
  }

  /** Log-probabilities of an edited fact's new answer and an unedited fact's answer. */
  private static double[] probe(Model lm) {
    double[] a = lm.score("Zevour was born in", lm.tokenizer().encodeContinuation(" Gaizobu")).logProb();
    double[] b = lm.score("Suzol was born in", lm.tokenizer().encodeContinuation(" Tevos")).logProb();
    double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static double nll(Model lm, List<SequenceBlame.Text> texts) {
    double s = 0;
    for (SequenceBlame.Text t : texts) {
      for (double lp : lm.score(t.start(), t.ids()).logProb()) {
        s -= lp;
      }
    }
    return s;
  }
}
