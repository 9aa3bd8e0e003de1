package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;

/** Central differences along seeded Gaussian directions, summed; epsilon absolute or relative to |t0|/√d. */
class ForwardOnlyEstimatorTest {
  @Test
  void thePointsArePlusAndMinusEpsilonAlongEachDirectionWithoutDeltaItself() {
    ForwardOnlyEstimator est = new ForwardOnlyEstimator(2, 0.5, 1);
    float[][] z = {{1, 0}, {0, 2}};
    float[][] p = est.points(new float[] {1, 1}, z);
    assertArrayEquals(new float[][] {{1.5f, 1}, {0.5f, 1}, {1, 2}, {1, 0}}, p);
  }

  @Test
  void theCurvesLossIsTheMeanOfThePairsWhichIsTheUnperturbedLossUpToSecondOrderInEpsilon() {
    assertThat(ForwardOnlyEstimator.curveLoss(new double[] {3, 1, 0, 4})).isEqualTo(2);
    // A quadratic loss L(x) = |x|²: each pair averages to L(δ) + ε²|z|², exactly the second-order term.
    ForwardOnlyEstimator est = new ForwardOnlyEstimator(3, 1e-2, 5);
    float[] delta = {0.5f, -1, 2};
    float[][] z = est.directions(0, 3);
    float[][] p = est.points(delta, z);
    double[] losses = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      for (float v : p[i]) {
        losses[i] += (double) v * v;
      }
    }
    double bias = 0;
    for (float[] zi : z) {
      for (float v : zi) {
        bias += 1e-4 * v * v / z.length;
      }
    }
    assertThat(ForwardOnlyEstimator.curveLoss(losses)).isCloseTo(5.25 + bias, within(1e-6));
  }

  @Test
  void theEstimateIsTheSumOfCentralDifferencesTimesTheirDirections() {
    ForwardOnlyEstimator est = new ForwardOnlyEstimator(2, 0.5, 1);
    float[][] z = {{1, 0}, {0, 2}};
    // g_1 = (3 − 1)/(2·0.5) = 2, g_2 = (0 − 4)/1 = −4: ĝ = 2·(1, 0) − 4·(0, 2) = (2, −8).
    assertArrayEquals(new double[] {2, -8}, est.estimate(new double[] {3, 1, 0, 4}, z));
  }

  @Test
  void theDirectionsOfAStepAreReproducibleAndDifferFromStepToStep() {
    ForwardOnlyEstimator est = new ForwardOnlyEstimator(5, 1e-3, 42);
    assertArrayEquals(est.directions(3, 8), new ForwardOnlyEstimator(5, 1e-3, 42).directions(3, 8));
    assertThat(est.directions(3, 8)[0]).isNotEqualTo(est.directions(4, 8)[0]);
    assertThat(est.directions(3, 8)).hasNumberOfRows(5);
  }

  @Test
  void anEditOnTopOfOthersTakesTheSequentialDirectionsWhenSet() {
    EditOptions options = EditOptions.builder().directions(5).sequentialDirections(40).build();
    assertThat(EditEngine.searchOptions(options, false).getDirections()).isEqualTo(5);
    assertThat(EditEngine.searchOptions(options, true).getDirections()).isEqualTo(40);
    assertThat(ForwardOnlyEstimator.forEdit(EditEngine.searchOptions(options, true), 16, 4,
        Precision.FP32).directions(0, 4)).hasNumberOfRows(40);
    assertThat(ForwardOnlyEstimator.forEdit(EditEngine.searchOptions(options, false), 16, 4,
        Precision.FP32).directions(0, 4)).hasNumberOfRows(5);
    EditOptions unset = EditOptions.builder().directions(7).build();
    assertThat(unset.getSequentialDirections()).isZero();
    assertThat(EditEngine.searchOptions(unset, true).getDirections()).isEqualTo(7);
    assertThat(EditOptions.recommended().getSequentialDirections()).isEqualTo(40);
    assertThat(EditOptions.recommended().getDirections()).isEqualTo(5);
    assertThat(EditOptions.recommended().getSequentialLearningRate()).isEqualTo(0.5);
    assertThat(EditOptions.recommended().getLearningRate()).isEqualTo(2.0);
  }

  @Test
  void sequentialDirectionsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> EditOptions.builder().sequentialDirections(-1).build())
        .isInstanceOf(MobiEditException.class).hasMessageContaining("sequential directions");
    assertThatThrownBy(() -> EditOptions.builder().sequentialDirections(EditOptions.MAX_DIRECTIONS + 1).build())
        .isInstanceOf(MobiEditException.class).hasMessageContaining("sequential directions");
    assertThat(EditOptions.builder().sequentialDirections(3).build().toBuilder().build().getSequentialDirections())
        .isEqualTo(3);
    for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> EditOptions.builder().sequentialLearningRate(bad).build())
          .isInstanceOf(MobiEditException.class).hasMessageContaining("sequential learning rate");
    }
    assertThat(EditOptions.builder().sequentialLearningRate(0.5).build().toBuilder().build()
        .getSequentialLearningRate()).isEqualTo(0.5);
    assertThat(EditOptions.builder().build().getSequentialLearningRate()).isZero();
  }

  @Test
  void anAbsoluteEpsilonIsTheOptionsEpsilon() {
    ForwardOnlyEstimator est = ForwardOnlyEstimator.forEdit(
        EditOptions.builder().epsilon(0.25).directions(1).build(), 16, 4, Precision.FP32);
    assertThat(est.points(new float[] {0, 0, 0, 0}, new float[][] {{1, 0, 0, 0}})[0][0]).isEqualTo(0.25f);
  }

  @Test
  void aRelativeEpsilonIsScaledByTheNormOfT0OverTheRootOfTheHiddenSize() {
    // |t0| = 4, d = 4: each coordinate of t0 is about 2, so epsilon 0.25 becomes 0.5.
    ForwardOnlyEstimator est = ForwardOnlyEstimator.forEdit(
        EditOptions.builder().epsilon(0.25).relativeEpsilon(true).directions(1).build(), 16, 4, Precision.FP32);
    assertThat(est.points(new float[] {0, 0, 0, 0}, new float[][] {{1, 0, 0, 0}})[0][0]).isEqualTo(0.5f);
  }

  @Test
  void theDirectionsAreStandardGaussian() {
    float[][] z = new ForwardOnlyEstimator(1, 1e-3, 7).directions(0, 20_000);
    double mean = 0;
    double square = 0;
    for (float v : z[0]) {
      mean += v / 20_000.0;
      square += (double) v * v / 20_000.0;
    }
    assertThat(mean).isCloseTo(0, within(0.03));
    assertThat(square).isCloseTo(1, within(0.05));
  }
}
