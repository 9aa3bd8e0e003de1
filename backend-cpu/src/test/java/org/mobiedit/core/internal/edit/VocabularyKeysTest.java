package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;
import org.mobiedit.backend.cpu.realmodels.DemoWorld;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.spi.BackendModel;

/**
 * What the vocabulary's keys are for, on the demo world: with them in the key statistics, the update direction for
 * one person's key moves the keys of other persons (read in other prompts, one with the name mid-sentence) less.
 * The texts sampled from the model hold each name a few times among 65,536 keys, so the texts' moment alone barely
 * tells names apart from each other. And what the vocabulary's near words are for: other subjects that share the
 * edited subject's object.
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

  /** Cities of five countries in the world, each country's together. */
  private static final List<List<String>> CITIES_BY_COUNTRY = List.of(
      List.of("Fanthonva", "Zavol", "Pomstom", "Saisbral"), List.of("Tidra", "Shorkaimka", "Dasthail"),
      List.of("Kolvo", "Bomtimbain", "Grorpail", "Gesse"), List.of("Brempil", "Bandru", "Saimsto", "Grummo"),
      List.of("Nasthin", "Togosdron", "Sonemais", "Fikatho", "Kaigraibri"));

  /**
   * A city's key holds its country, so an update written at one city reaches the other cities of its country; kept off
   * the subject's near words ({@link NearWords}), it reaches them far less, and the city's own key in a sentence it
   * was not computed from at more than three quarters of its reach (measured: rms over same-country pairs 0.38 →
   * 0.14, own reach 0.66 → 0.54). The direction is found, as an edit finds it, for the mean of the city's keys in two
   * contexts (at the start of the prompt and after a few words).
   */
  @Test
  void keptOffTheNearWordsAnUpdateMovesTheCitiesOfTheSameCountryLess() {
    try (LanguageModel lm = DemoWorld.load()) {
      int layer = 1;
      KeyStatisticsCache cache = new KeyStatisticsCache(lm.backendModel(), lm.tokenizer(),
          PreparedKeyStatistics.location(lm), PreparedKeyStatistics.expected(lm));
      EditOptions options = EditOptions.recommended();
      KeyStatistics statistics = cache.get(layer, options);
      UnaryOperator<double[]> inverse = v -> statistics.solve(v, options.getCovarianceRidge());
      double[] sameObject = new double[2];
      double[] ownElsewhere = new double[2];
      int pairs = 0;
      int cities = 0;
      for (List<String> country : CITIES_BY_COUNTRY) {
        for (String city : country) {
          float[] plain = subjectKey(lm, layer, "", city, " is a city in");
          float[] inContext = subjectKey(lm, layer, "The city of ", city, " lies in");
          double[] key = KeyDirection.meanKey(new float[][] {plain, inContext});
          double[] free = inverse.apply(key);
          List<double[]> words = NearWords.find(lm.backendModel(), cache.bos(), cache.vocabularyTokens(options), layer,
              16, free, key, KeyDirection.toDouble(plain), inverse);
          assertThat(words).hasSize(16);
          double[] kept = NearWords.keptOff(words, inverse).apply(key);
          double[][] directions = {free, kept};
          float[] own = subjectKey(lm, layer, "We drove to ", city, " and stayed");
          for (int d = 0; d < 2; d++) {
            ownElsewhere[d] += NearWords.dot(own, directions[d]) / KeyProtection.dot(directions[d], key);
          }
          cities++;
          for (String other : country) {
            if (!other.equals(city)) {
              float[] k = subjectKey(lm, layer, "", other, " belongs to");
              for (int d = 0; d < 2; d++) {
                double r = NearWords.dot(k, directions[d]) / KeyProtection.dot(directions[d], key);
                sameObject[d] += r * r;
              }
              pairs++;
            }
          }
        }
      }
      double before = Math.sqrt(sameObject[0] / pairs);
      double after = Math.sqrt(sameObject[1] / pairs);
      double reachBefore = ownElsewhere[0] / cities;
      double reachAfter = ownElsewhere[1] / cities;
      assertThat(after).as("rms reach of same-country cities, kept off the near words (%.3f) and not (%.3f)", after,
          before).isLessThan(0.6 * before);
      assertThat(reachAfter).as("mean reach of the city's own key in another sentence, kept off (%.3f) and not (%.3f)",
          reachAfter, reachBefore).isGreaterThan(0.75 * reachBefore);
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
      double reach = KeyDirection.dot(u, own[s]);
      for (int o = 0; o < elsewhere.length; o++) {
        if (o / 2 != s) {
          double r = KeyDirection.dot(u, elsewhere[o]) / reach;
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
}
