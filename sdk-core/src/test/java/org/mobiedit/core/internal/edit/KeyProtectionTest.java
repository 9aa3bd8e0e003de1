package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The direction that leaves earlier edits' keys unmoved, against its definition. */
class KeyProtectionTest {
  private static final int D = 24;
  private final SplittableRandom random = new SplittableRandom(5);

  private List<float[]> randomKeys(int n) {
    List<float[]> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(randomKey());
    }
    return keys;
  }

  private float[] randomKey() {
    float[] k = new float[D];
    for (int i = 0; i < D; i++) {
      k[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return k;
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  /** A diagonal metric M = diag(1..D): M⁻¹v divides each value by its index + 1. */
  private static final UnaryOperator<double[]> DIAGONAL = v -> {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / (i + 1);
    }
    return out;
  };

  @Test
  void withoutEarlierKeysItIsTheUnitSolveOfTheNewKey() {
    float[] k = randomKey();
    assertArrayEquals(KeyStatistics.unit(DIAGONAL.apply(toDouble(k))),
        KeyProtection.direction(toDouble(k), List.of(), DIAGONAL));
  }

  @Test
  void anEditorWeighsEarlierKeysInsteadOfHoldingThem() {
    List<float[]> earlier = randomKeys(3);
    float[] k = randomKey();
    float[] u = KeyProtection.direction(toDouble(k), toDouble(k), earlier, UnaryOperator.identity(), i -> { },
        KeyProtection.EARLIER_EDITS);
    float[] exact = KeyProtection.direction(toDouble(k), earlier, UnaryOperator.identity());
    // the minimiser of |u|² + Σ(u·eᵢ)²/μ for u·k fixed, μ = 0.1 of the mean |eᵢ|²: u + Σ eᵢ(eᵢ·u)/μ is parallel to k
    double mu = 0;
    for (float[] e : earlier) {
      mu += KeyProtection.EARLIER_EDITS * dot(e, e) / earlier.size();
    }
    double[] stationary = toDouble(u);
    for (float[] e : earlier) {
      double reach = dot(u, e);
      for (int j = 0; j < D; j++) {
        stationary[j] += e[j] * reach / mu;
      }
    }
    double sk = KeyProtection.dot(stationary, toDouble(k));
    assertThat(sk / Math.sqrt(KeyProtection.dot(stationary, stationary) * dot(k, k))).isCloseTo(1, offset(1e-6));
    float[] free = KeyStatistics.unit(toDouble(k));
    for (float[] e : earlier) {
      assertThat(Math.abs(dot(u, e))).isLessThan(0.5 * Math.abs(dot(free, e))).isGreaterThan(1e-4);
      assertThat(Math.abs(dot(exact, e))).isLessThan(1e-5);
    }
    assertThat(dot(u, k)).isGreaterThan(dot(exact, k));
  }

  @Test
  void earlierKeysAreLeftUnmovedAndTheNewKeyIsStillReached() {
    List<float[]> earlier = randomKeys(3);
    float[] k = randomKey();
    for (UnaryOperator<double[]> metric : List.of(UnaryOperator.<double[]>identity(), DIAGONAL)) {
      float[] u = KeyProtection.direction(toDouble(k), earlier, metric);
      assertThat(dot(u, u)).isCloseTo(1, offset(1e-6));
      for (float[] e : earlier) {
        assertThat(Math.abs(dot(u, e))).isLessThan(1e-5); // keys have norm about 2.8
      }
      assertThat(dot(u, k)).isGreaterThan(0.1);
    }
  }

  @Test
  void itIsTheLeastMovingSuchDirection() {
    // In the identity metric, the minimiser of |u|² under u·e = 0 and u·k = c is the new key's component
    // orthogonal to the earlier ones: Gram-Schmidt gives it independently.
    float[] e1 = randomKey();
    float[] e2 = randomKey();
    float[] k = randomKey();
    double[] q1 = toDouble(e1);
    double[] q2 = toDouble(e2);
    subtract(q2, q1);
    double[] r = toDouble(k);
    subtract(r, q1);
    subtract(r, q2);
    float[] expected = KeyStatistics.unit(r);
    float[] u = KeyProtection.direction(toDouble(k), List.of(e1, e2), UnaryOperator.identity());
    for (int i = 0; i < D; i++) {
      assertThat(u[i]).isCloseTo(expected[i], offset(1e-5f));
    }
  }

  /** v −= (v·q/q·q) q. */
  private static void subtract(double[] v, double[] q) {
    double vq = 0;
    double qq = 0;
    for (int i = 0; i < v.length; i++) {
      vq += v[i] * q[i];
      qq += q[i] * q[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] -= vq / qq * q[i];
    }
  }

  @Test
  void aProtectionThatWouldSpreadTheEditTooMuchIsSoftened() {
    float[] k = randomKey();
    float[] near = k.clone();
    for (int i = 0; i < D; i++) {
      near[i] += (float) (0.5 * (random.nextDouble() * 2 - 1)); // cosine about 0.85: another subject, close by
    }
    double cosine = dot(k, near) / Math.sqrt(dot(k, k) * dot(near, near));
    assertThat(cosine).isBetween(0.6, KeyProtection.SAME_SUBJECT);
    float[] free = KeyProtection.direction(toDouble(k), List.of(), UnaryOperator.identity());
    float[] u = KeyProtection.direction(toDouble(k), List.of(near), UnaryOperator.identity());
    // Spread in the identity metric: |u|² / (u·k)², at most MAX_SPREAD times the free direction's.
    double spread = 1 / (dot(u, k) * dot(u, k));
    double freeSpread = 1 / (dot(free, k) * dot(free, k));
    assertThat(spread).isLessThanOrEqualTo(KeyProtection.MAX_SPREAD * freeSpread * (1 + 1e-6));
    assertThat(Math.abs(dot(u, near))).isLessThan(0.9 * Math.abs(dot(free, near))); // still reduced
  }

  @Test
  void theSameSubjectEditedAgainIsNotProtected() {
    float[] k = randomKey();
    float[] again = k.clone();
    again[0] += 0.01f; // the same subject's key, a little moved by the first edit's context
    float[] other = randomKey();
    float[] u = KeyProtection.direction(toDouble(k), List.of(again, other), UnaryOperator.identity());
    assertArrayEquals(KeyProtection.direction(toDouble(k), List.of(other), UnaryOperator.identity()), u);
    assertThat(dot(u, k)).isGreaterThan(0.5);
  }

  @Test
  void anEarlierKeyEqualToThePlainPromptsKeyIsTheSameSubjectEvenWhenTheMeanKeyDiffers() {
    // An earlier edit whose prompt also starts with the subject has exactly the plain prompt's key k_p, while the mean
    // over the context templates can lie further away than the threshold: protecting it would give u·k_p = 0.
    float[] plain = randomKey();
    float[] mean = plain.clone();
    for (int i = 0; i < D; i++) {
      mean[i] += (float) (0.6 * (random.nextDouble() * 2 - 1));
    }
    assertThat(dot(mean, plain) / Math.sqrt(dot(mean, mean) * dot(plain, plain))).isLessThan(KeyProtection.SAME_SUBJECT);
    float[] other = randomKey();
    List<Integer> same = new ArrayList<>();
    float[] u = KeyProtection.direction(toDouble(mean), toDouble(plain), List.of(other, plain.clone()),
        UnaryOperator.identity(), same::add);
    assertThat(same).containsExactly(1);
    assertThat(Math.abs(dot(u, other))).isLessThan(1e-5);
    assertThat(dot(u, plain)).isGreaterThan(0.3);
  }

  @Test
  void aProtectionThatWouldBarelyReachThePlainKeyIsSoftened() {
    // The plain prompt's key lies close to an earlier key (cosine about 0.8, under the same-subject threshold), the
    // mean key does not: the hard constraint reaches k̄ but leaves u·k_p small, so the update r = δ/(k_p·u) would be
    // large; the direction is softened until it spreads no more than MAX_SPREAD times the free one per unit at k_p.
    float[] earlier = randomKey();
    float[] plain = earlier.clone();
    for (int i = 0; i < D; i++) {
      plain[i] += (float) (0.6 * (random.nextDouble() * 2 - 1));
    }
    float[] mean = randomKey();
    for (int i = 0; i < D; i++) {
      mean[i] += plain[i];
    }
    double plainCosine = dot(plain, earlier) / Math.sqrt(dot(plain, plain) * dot(earlier, earlier));
    assertThat(plainCosine).isBetween(0.6, KeyProtection.SAME_SUBJECT);
    float[] free = KeyProtection.direction(toDouble(mean), List.of(), UnaryOperator.identity());
    float[] u = KeyProtection.direction(toDouble(mean), toDouble(plain), List.of(earlier), UnaryOperator.identity(),
        i -> { });
    double freeSpread = 1 / (dot(free, plain) * dot(free, plain));
    float[] meanOnly = KeyProtection.direction(toDouble(mean), List.of(earlier), UnaryOperator.identity());
    assertThat(1 / (dot(meanOnly, plain) * dot(meanOnly, plain))).isGreaterThan(KeyProtection.MAX_SPREAD * freeSpread);
    assertThat(1 / (dot(u, plain) * dot(u, plain))).isLessThanOrEqualTo(KeyProtection.MAX_SPREAD * freeSpread * (1 + 1e-6));
  }
}
