package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.MlpCapture;
import org.mobiedit.spi.PrefixState;

/**
 * The forward-only estimator on a real model's edit loss (stories260K): the mean of many estimates points along the
 * true gradient (central differences per coordinate), and a batch of perturbations evaluated in one call equals the
 * same points evaluated one by one. (Lives in the engine's package to reach its internals; runs with backend-cpu.)
 */
class EstimatorSoundnessTest {
  private static final int LAYER = 1;

  private record Setup(BackendModel model, EditBatch batch, EditLoss loss, PrefixState prefix) {
    double loss(float[] delta) {
      return loss.value(model.resume(prefix, new float[][] {delta}, batch.labelPositions)[0], delta);
    }
  }

  private static Setup setup(LanguageModel lm) {
    BackendModel m = lm.backendModel();
    EditBatch batch = EditBatch.build(lm.tokenizer(), EditRequest.of("Lily", "{} went to the", "zoo"),
        List.of("{}", "The day. {}"), m.spec().contextLength());
    MlpCapture c = m.captureMlp(new int[][] {batch.context(0)}, LAYER, new int[] {batch.lookup[0]});
    double t0 = 0;
    for (float v : c.outputs()[0]) {
      t0 += (double) v * v;
    }
    int e = batch.essenceRow();
    float[] essence0 = m.forward(new int[][] {batch.rows[e]}, new int[][] {batch.labelPositions[e]})[0][0];
    return new Setup(m, batch, new EditLoss(batch, essence0, 0.0625, 1e-3, t0),
        m.buildPrefix(batch.rows, LAYER, batch.lookup));
  }

  private static LanguageModel load() {
    return LanguageModel.load(SharedData.require("models/stories260K/stories260K-f32.gguf"),
        new LoadOptions(Precision.FP32, "cpu", 2));
  }

  @Test
  void theMeanOfManyEstimatesPointsAlongTheTrueGradient() {
    try (LanguageModel lm = load()) {
      Setup s = setup(lm);
      int d = lm.spec().hiddenSize();
      float[] delta = new float[d];
      for (int j = 0; j < d; j++) {
        delta[j] = (float) (0.05 * Math.sin(j));
      }
      double h = 1e-3;
      double[] truth = new double[d];
      for (int j = 0; j < d; j++) {
        float[] plus = delta.clone();
        float[] minus = delta.clone();
        plus[j] += (float) h;
        minus[j] -= (float) h;
        truth[j] = (s.loss(plus) - s.loss(minus)) / (2 * h);
      }
      ForwardOnlyEstimator est = new ForwardOnlyEstimator(5, 1e-3, 7);
      double[] mean = new double[d];
      int samples = 60;
      for (int step = 0; step < samples; step++) {
        float[][] z = est.directions(step, d);
        float[][] points = est.points(delta, z);
        float[][][][] logits = s.model().resume(s.prefix(), points, s.batch().labelPositions);
        double[] losses = new double[points.length];
        for (int p = 0; p < points.length; p++) {
          losses[p] = s.loss().value(logits[p], points[p]);
        }
        double[] g = est.estimate(losses, z);
        for (int j = 0; j < d; j++) {
          mean[j] += g[j] / samples;
        }
      }
      double cos = cosine(mean, truth);
      System.out.printf(Locale.ROOT, "estimator: cosine(mean of %d estimates, true gradient) = %.3f%n", samples, cos);
      assertThat(cos).isGreaterThan(0.8);
      s.prefix().close();
    }
  }

  @Test
  void aBatchOfPerturbationsEqualsEvaluatingThemOneByOne() {
    try (LanguageModel lm = load()) {
      Setup s = setup(lm);
      ForwardOnlyEstimator est = new ForwardOnlyEstimator(5, 1e-3, 9);
      float[][] points = est.points(new float[lm.spec().hiddenSize()], est.directions(0, lm.spec().hiddenSize()));
      float[][][][] batched = s.model().resume(s.prefix(), points, s.batch().labelPositions);
      for (int p = 0; p < points.length; p++) {
        float[][][] single = s.model().resume(s.prefix(), new float[][] {points[p]}, s.batch().labelPositions)[0];
        for (int r = 0; r < single.length; r++) {
          for (int k = 0; k < single[r].length; k++) {
            assertArrayEquals(single[r][k], batched[p][r][k]);
          }
        }
      }
      s.prefix().close();
    }
  }

  private static double cosine(double[] a, double[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    return ab / Math.sqrt(aa * bb);
  }
}
