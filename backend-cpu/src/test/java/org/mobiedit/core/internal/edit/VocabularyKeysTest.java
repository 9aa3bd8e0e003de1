package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;
import org.mobiedit.backend.cpu.realmodels.DemoWorld;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.spi.BackendModel;

/**
 * What the vocabulary's keys are for, on the demo world: with them in the key statistics, the update direction for
 * one person's key moves the keys of other persons (read in other prompts, one with the name mid-sentence) less.
 * The texts sampled from the model hold each name a few times among 65,536 keys, so the texts' moment alone barely
 * tells names apart from each other.
 */
class VocabularyKeysTest {
  private static final List<String> PERSONS = List.of("Zefumthol", "Noubain", "Padrai", "Nalramol", "Poltos",
      "Servo", "Gredron", "Nopu", "Drounoldou", "Doshil", "Dilbra", "Lalais", "Rerso", "Benfal", "Stoltul", "Dotais",
      "Sasbe", "Valdodu", "Fourturshan", "Sunboubo", "Brenzo", "Lankou", "Sorshem", "Vize", "Stairle", "Poumel",
      "Brikes", "Nairunthur", "Posni", "Kusel");

  @Test
  void anUpdateDirectionMovesOtherSubjectsKeysLessWithTheVocabulary() {
    try (LanguageModel lm = DemoWorld.load()) {
      BackendModel m = lm.backendModel();
      int layer = 1;
      float[][] own = new float[PERSONS.size()][];
      float[][] elsewhere = new float[2 * PERSONS.size()][];
      for (int i = 0; i < PERSONS.size(); i++) {
        own[i] = subjectKey(lm, layer, "", PERSONS.get(i), " lives in");
        elsewhere[2 * i] = subjectKey(lm, layer, "", PERSONS.get(i), " speaks");
        elsewhere[2 * i + 1] = subjectKey(lm, layer, "The home of ", PERSONS.get(i), " is in");
      }
      KeyStatisticsCache cache = new KeyStatisticsCache(m, lm.tokenizer(), PreparedKeyStatistics.location(lm),
          PreparedKeyStatistics.expected(lm));
      EditOptions options = EditOptions.recommended();
      double without = rmsOverlap(cache.get(layer, options.toBuilder().vocabularyKeyWeight(0).build()), own,
          elsewhere);
      double with = rmsOverlap(cache.get(layer, options.toBuilder().vocabularyKeyWeight(0.3).build()), own,
          elsewhere);
      assertThat(with).as("rms overlap with the vocabulary (%.4f) against without (%.4f)", with, without)
          .isLessThan(0.8 * without);
    }
  }

  /**
   * The root mean square of {@code (u_s·k_o)/(u_s·k_s)} over every subject {@code s} and the keys {@code k_o} of every
   * other subject ({@code elsewhere} holds two per subject).
   */
  private static double rmsOverlap(KeyStatistics statistics, float[][] own, float[][] elsewhere) {
    double sum = 0;
    int n = 0;
    for (int s = 0; s < own.length; s++) {
      float[] u = statistics.direction(own[s], 0.01);
      double reach = dot(u, own[s]);
      for (int o = 0; o < elsewhere.length; o++) {
        if (o / 2 != s) {
          double r = dot(u, elsewhere[o]) / reach;
          sum += r * r;
          n++;
        }
      }
    }
    return Math.sqrt(sum / n);
  }

  /** The key at the subject's last token in {@code before + subject + after}. */
  private static float[] subjectKey(LanguageModel lm, int layer, String before, String subject, String after) {
    int[] row = lm.tokenizer().encodeForModel(before + subject + after);
    int at = lm.tokenizer().encodeForModel(before + subject).length - 1;
    return lm.backendModel().captureMlp(new int[][] {row}, layer, new int[] {at}).keys()[0];
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
