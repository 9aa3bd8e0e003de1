package org.mobiedit.tck;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mobiedit.api.EditCall;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.InferenceSequence;
import org.mobiedit.spi.LossRequest;
import org.mobiedit.spi.LossTerms;
import org.mobiedit.spi.MlpCapture;
import org.mobiedit.spi.PrefixState;
import org.mobiedit.spi.Support;
import org.mobiedit.spi.numerics.LogProbabilities;

/**
 * The compatibility kit for backends: extend it in your test sources with one factory method, and JUnit 5 runs every
 * check of the SPI contract against your backend, comparing its numbers with backend-cpu's.
 *
 * <pre>{@code
 * class AcmeBackendCompatibilityTest extends BackendCompatibilityKit {
 *   @Override protected BackendProvider provider() { return new AcmeBackendProvider(); }
 * }
 * }</pre>
 *
 * <p>The checks are grouped (lifecycle, forward, capture, prefix cache, batched injection, rank-one updates,
 * cancellation, threads, full edit) and each names the {@link Rule} it enforces in its failure message. A check of a
 * capability or precision the backend does not claim in {@link Backend#capabilities()} is skipped, not failed. Numbers
 * are compared with {@link #tolerance(Precision)}. Fixtures: the demo model (a trained 8-layer Llama) and a tiny
 * seeded Qwen2; the full edit writes a fact of the demo model's world. The edits (full edit, cancellation) run as an
 * app runs them: the model loaded on your provider with {@link MobiEdit#load} and edited by an {@link Editor}.
 */
public abstract class BackendCompatibilityKit {
  private static final int THREADS = 2;
  /** backend-cpu's outcome of the full edit per precision: deterministic, so computed once per JVM. */
  private static final Map<Precision, EditResult> REFERENCE_EDITS = new ConcurrentHashMap<>();
  private final List<AutoCloseable> opened = new ArrayList<>();
  private @Nullable BackendProvider vendor;
  private @Nullable Backend backend;
  private @Nullable Backend reference;

  /** The provider of the backend under test; called once per check. */
  protected abstract BackendProvider provider();

  /** How close this backend's numbers must be to backend-cpu's in a precision ({@link Tolerance#defaultFor}). */
  protected Tolerance tolerance(Precision precision) {
    return Tolerance.defaultFor(precision);
  }

  /**
   * How far the number of steps of the full edit may be from backend-cpu's. An edit can only stop at an early-stopping
   * check ({@code checkEvery} steps apart), so step counts differ by whole checks.
   *
   * <ul>
   *   <li>Float activations (fp32, int8 weights): 25 % of backend-cpu's steps, at least 3. Below 4 checks this means
   *       the same check: logits within 2e-3 of each other flip the argmax at the same moment.
   *   <li>Static integer activations (int8-a16, int8-a8): also one check earlier or later. Their logits may differ by
   *       up to 1e-2 and 8e-2 ({@link Tolerance}), which is enough to move the step at which a close argmax flips.
   * </ul>
   */
  protected int stepTolerance(Precision precision, int referenceSteps, int checkEvery) {
    int quarter = Math.max(3, (int) Math.ceil(referenceSteps * 0.25));
    return precision.quantizesActivations() ? Math.max(quarter, checkEvery) : quarter;
  }

  @AfterEach
  void closeEverythingOpened() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
  }

  // ---- access to the backend under test and the reference ----------------------------------------------------------

  /** The provider under test, asked for once per check. */
  private BackendProvider vendor() {
    if (vendor == null) {
      vendor = provider();
    }
    return vendor;
  }

  private Backend backend() {
    if (backend == null) {
      BackendProvider p = vendor();
      Support s = p.support();
      Rule.LIFECYCLE_3.check(s.isSupported(), "provider '" + p.id() + "' reports itself unsupported here: "
          + s.reason() + ". Run the kit where the backend can run.");
      backend = track(p.create(new BackendConfig(THREADS)));
    }
    return backend;
  }

  private Backend reference() {
    if (reference == null) {
      reference = track(new CpuBackendProvider().create(new BackendConfig(THREADS)));
    }
    return reference;
  }

  private <T extends AutoCloseable> T track(T resource) {
    opened.add(resource);
    return resource;
  }

  private Set<Capability> capabilities() {
    return backend().capabilities();
  }

  private void assumeCapability(Capability c) {
    assumeTrue(capabilities().contains(c), () -> "backend '" + backend().id() + "' does not claim " + c);
  }

  private void assumePrecision(Precision p) {
    assumeCapability(capabilityOf(p));
  }

  private static Capability capabilityOf(Precision p) {
    return switch (p) {
      case FP32 -> Capability.PRECISION_FP32;
      case INT8 -> Capability.PRECISION_INT8;
      case INT8_A8 -> Capability.PRECISION_INT8_A8;
      case INT8_A16 -> Capability.PRECISION_INT8_A16;
      case INT8_DYNAMIC -> Capability.PRECISION_INT8_DYNAMIC;
      case INT4 -> Capability.PRECISION_INT4;
    };
  }

  /** The first precision the backend claims (fp32 first), for checks that are not about precision. */
  private Precision anyPrecision() {
    for (Precision p : Precision.values()) {
      if (capabilities().contains(capabilityOf(p))) {
        return p;
      }
    }
    assumeTrue(false, () -> "backend '" + backend().id() + "' claims no precision, so it loads no model");
    throw new IllegalStateException("unreachable");
  }

  /** Loads a fixture on the backend under test, calibrated on the fixture's rows when activations are quantized. */
  private BackendModel load(KitFixture f, Precision p) {
    BackendModel m = track(backend().load(f.weights(), p));
    calibrate(m, f);
    return m;
  }

  private BackendModel loadReference(KitFixture f, Precision p) {
    BackendModel m = track(reference().load(f.weights(), p));
    calibrate(m, f);
    return m;
  }

  /**
   * Loads a fixture through the front door, as an app does: on this provider alone, by its id, in the precision, on
   * the kit's threads. The model is calibrated on the fixture's rows like the kit's other loads.
   */
  private static Model loadThroughFrontDoor(BackendProvider provider, KitFixture f, Precision p) {
    Model m = MobiEdit.load(f.path(), new LoadOptions(p, provider.id(), THREADS),
        BackendSelector.of(List.of(provider)));
    try {
      calibrate(m.backendModel(), f);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return m;
  }

  /** An editor on the model that owns it (closing the editor closes the model). */
  private static Editor openEditor(Model m, EditOptions options) {
    try {
      return MobiEdit.open(m, options);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** backend-cpu's outcome of the full edit, through the front door as well. */
  private static EditResult referenceEdit(KitFixture f, Precision p) {
    try (Editor reference = openEditor(loadThroughFrontDoor(new CpuBackendProvider(), f, p), editOptions(p))) {
      return reference.edit(KitFixture.WORLD_EDIT);
    }
  }

  private static void calibrate(BackendModel m, KitFixture f) {
    if (m.precision().quantizesActivations()) {
      m.calibrateActivations(f.rows());
    }
  }

  private void within(Rule rule, Precision p, String what, float[][][] actual, float[][][] expected) {
    Numerics.Comparison c = Numerics.compare(actual, expected);
    Tolerance t = tolerance(p);
    rule.check(c.worstRelative() <= t.relative(), what + " in " + p + ": " + c.describe() + " (allowed: relative "
        + t.relative() + ")");
  }

  // ---- the checks ----------------------------------------------------------------------------------------------------

  @Nested
  @DisplayName("lifecycle")
  class Lifecycle {
    @Test
    @DisplayName("LIFECYCLE-1 the provider's id is short, stable and lower-case")
    void providerIdIsShortAndLowerCase() {
      String id = provider().id();
      Rule.LIFECYCLE_1.check(id.matches("[a-z][a-z0-9-]{0,31}"), "id \"" + id + "\"");
      Rule.LIFECYCLE_1.check(id.equals(provider().id()), "two calls gave different ids");
    }

    @Test
    @DisplayName("LIFECYCLE-2 the provider speaks this SDK's SPI version")
    void spiVersion() {
      int v = provider().spiVersion();
      Rule.LIFECYCLE_2.check(v == BackendProvider.SPI_VERSION,
          "provider speaks " + v + ", this SDK " + BackendProvider.SPI_VERSION);
    }

    @Test
    @DisplayName("LIFECYCLE-3 support() reports this device supported, without throwing")
    void supportDoesNotThrow() {
      Support s;
      try {
        s = provider().support();
      } catch (RuntimeException e) {
        throw Rule.LIFECYCLE_3.violated("support() threw", e);
      }
      Rule.LIFECYCLE_3.check(s.isSupported(), "unsupported: " + s.reason());
    }

    @Test
    @DisplayName("LIFECYCLE-4 a created backend reports its provider's id")
    void backendId() {
      Rule.LIFECYCLE_4.check(backend().id().equals(provider().id()),
          "backend id '" + backend().id() + "', provider id '" + provider().id() + "'");
    }

    @Test
    @DisplayName("LIFECYCLE-5 Backend.close() is idempotent")
    void backendCloseIsIdempotent() {
      Backend b = provider().create(new BackendConfig(THREADS));
      try {
        b.close();
        b.close();
      } catch (RuntimeException e) {
        throw Rule.LIFECYCLE_5.violated("the second close() threw", e);
      }
    }

    @Test
    @DisplayName("LIFECYCLE-6 BackendModel.close() is idempotent; a closed model refuses work")
    void modelCloseIsIdempotentAndFinal() {
      KitFixture f = KitFixture.world();
      BackendModel m = backend().load(f.weights(), anyPrecision());
      try {
        m.close();
        m.close();
      } catch (RuntimeException e) {
        throw Rule.LIFECYCLE_6.violated("the second close() threw", e);
      }
      refusesWork(Rule.LIFECYCLE_6, m, f);
    }

    @Test
    @DisplayName("LIFECYCLE-7 closing a backend closes the models it loaded")
    void backendCloseClosesModels() {
      KitFixture f = KitFixture.world();
      Precision p = anyPrecision();
      Backend b = provider().create(new BackendConfig(THREADS));
      BackendModel m = b.load(f.weights(), p);
      b.close();
      refusesWork(Rule.LIFECYCLE_7, m, f);
    }

    private void refusesWork(Rule rule, BackendModel m, KitFixture f) {
      try {
        m.forward(new int[][] {f.rows()[0]}, new int[][] {{0}});
      } catch (IllegalStateException expected) {
        return;
      } catch (RuntimeException e) {
        throw rule.violated("forward on a closed model threw " + e.getClass().getName()
            + " instead of IllegalStateException", e);
      }
      throw rule.violated("forward on a closed model ran");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("LIFECYCLE-8 an unclaimed precision is refused with BACKEND_UNSUPPORTED_OPERATION")
    void unclaimedPrecisionIsRefused(Precision p) {
      assumeTrue(!capabilities().contains(capabilityOf(p)), () -> "backend claims " + p);
      try {
        track(backend().load(KitFixture.world().weights(), p));
      } catch (MobiEditException e) {
        Rule.LIFECYCLE_8.check(e.getReason() == MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION,
            "refused with " + e.getReason() + ": " + e.getMessage());
        return;
      }
      throw Rule.LIFECYCLE_8.violated("loading in " + p + " succeeded");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("LIFECYCLE-9 a loaded model reports its spec, precision and memory")
    void loadedModelDescribesItself(Precision p) {
      assumePrecision(p);
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, p);
      Rule.LIFECYCLE_9.check(m.spec().equals(f.spec()), "spec " + m.spec() + " instead of " + f.spec());
      Rule.LIFECYCLE_9.check(m.precision() == p, "precision " + m.precision() + " instead of " + p);
      Rule.LIFECYCLE_9.check(m.memory().weightBytes() >= 0 && m.memory().mappedBytes() >= 0
          && m.memory().weightBytes() + m.memory().mappedBytes() > 0, "memory " + m.memory());
    }
  }

  @Nested
  @DisplayName("forward numerics against backend-cpu")
  class Forward {
    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("FORWARD-1/2 logits and top-1 choices match backend-cpu")
    void logitsMatchTheReference(Precision p) {
      assumePrecision(p);
      for (KitFixture f : KitFixture.all()) {
        float[][][] actual = forwardAllRows(load(f, p), f);
        float[][][] expected = loadReference(f, p).forward(f.rows(), f.logitPositions());
        within(Rule.FORWARD_1, p, f.name(), actual, expected);
        Numerics.Comparison c = Numerics.compare(actual, expected);
        Rule.FORWARD_2.check(c.top1() >= tolerance(p).top1(), f.name() + " in " + p + ": " + c.describe()
            + " (required: " + tolerance(p).top1() + ")");
      }
    }

    /** All rows in one call where batching is claimed, else one row per call. */
    private float[][][] forwardAllRows(BackendModel m, KitFixture f) {
      if (capabilities().contains(Capability.BATCHED_FORWARD)) {
        return m.forward(f.rows(), f.logitPositions());
      }
      float[][][] out = new float[f.rows().length][][];
      for (int r = 0; r < out.length; r++) {
        out[r] = m.forward(new int[][] {f.rows()[r]}, new int[][] {f.logitPositions()[r]})[0];
      }
      return out;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("FORWARD-3 rows of a batch are independent")
    void batchedRowsAreIndependent(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.BATCHED_FORWARD);
      for (KitFixture f : KitFixture.all()) {
        BackendModel m = load(f, p);
        float[][][] batched = m.forward(f.rows(), f.logitPositions());
        float[][][] alone = new float[f.rows().length][][];
        for (int r = 0; r < alone.length; r++) {
          alone[r] = m.forward(new int[][] {f.rows()[r]}, new int[][] {f.logitPositions()[r]})[0];
        }
        within(Rule.FORWARD_3, p, f.name() + ", batch against rows alone", batched, alone);
      }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("FORWARD-4 decoding with the KV cache gives a full forward's logits")
    void kvCacheMatchesFullForward(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.KV_CACHE);
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, p);
      for (int[] row : f.rows()) {
        int split = Math.max(1, row.length / 2);
        float[][][] cached = new float[1][row.length - split + 1][];
        try (InferenceSequence s = m.newSequence(row.length)) {
          cached[0][0] = s.append(Arrays.copyOf(row, split));
          for (int i = split; i < row.length; i++) {
            cached[0][i - split + 1] = s.append(new int[] {row[i]});
          }
        }
        int[] positions = java.util.stream.IntStream.range(split - 1, row.length).toArray();
        float[][][] full = m.forward(new int[][] {row}, new int[][] {positions});
        within(Rule.FORWARD_4, p, "prompt chunk then one token at a time", cached, full);
      }
    }

    @Test
    @DisplayName("FORWARD-5 bad token input is refused with INVALID_REQUEST")
    void badTokensAreRefused() {
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, anyPrecision());
      int vocab = f.spec().vocabSize();
      refused(() -> m.forward(new int[][] {{1, vocab}}, new int[][] {{1}}), "a token id equal to the vocabulary size");
      refused(() -> m.forward(new int[][] {{1, -1}}, new int[][] {{1}}), "a negative token id");
      refused(() -> m.forward(new int[][] {{}}, new int[][] {{0}}), "an empty row");
    }

    private void refused(Runnable call, String what) {
      try {
        call.run();
      } catch (MobiEditException e) {
        Rule.FORWARD_5.check(e.getReason() == MobiEditException.Reason.INVALID_REQUEST,
            what + " was refused with " + e.getReason() + ": " + e.getMessage());
        return;
      } catch (RuntimeException e) {
        throw Rule.FORWARD_5.violated(what + " threw " + e.getClass().getName(), e);
      }
      throw Rule.FORWARD_5.violated(what + " was accepted");
    }
  }

  @Nested
  @DisplayName("layer capture")
  class Capture {
    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("CAPTURE-1 MLP keys and outputs match backend-cpu")
    void captureMatchesTheReference(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.LAYER_CAPTURE);
      for (KitFixture f : KitFixture.all()) {
        MlpCapture a = load(f, p).captureMlp(f.rows(), f.layer(), f.injectAt());
        MlpCapture e = loadReference(f, p).captureMlp(f.rows(), f.layer(), f.injectAt());
        within(Rule.CAPTURE_1, p, f.name() + " keys", new float[][][] {a.keys()}, new float[][][] {e.keys()});
        within(Rule.CAPTURE_1, p, f.name() + " outputs", new float[][][] {a.outputs()},
            new float[][][] {e.outputs()});
      }
    }

    @Test
    @DisplayName("CAPTURE-2 captureKeys gives captureMlp's key at every position")
    void perPositionKeysAgree() {
      assumeCapability(Capability.LAYER_CAPTURE);
      Precision p = anyPrecision();
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, p);
      int[] row = f.rows()[0];
      float[][] keys = m.captureKeys(row, f.layer());
      Rule.CAPTURE_2.check(keys.length == row.length, keys.length + " positions for a row of " + row.length);
      for (int pos = 0; pos < row.length; pos++) {
        float[] one = m.captureMlp(new int[][] {row}, f.layer(), new int[] {pos}).keys()[0];
        within(Rule.CAPTURE_2, p, "position " + pos, new float[][][] {{keys[pos]}}, new float[][][] {{one}});
      }
    }
  }

  @Nested
  @DisplayName("exact prefix cache")
  class PrefixCache {
    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("PREFIX-1/2 resume equals injectForward bit for bit, for any number of resumes")
    void resumeEqualsInjectForward(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.RESUME_WITH_INJECTION);
      for (KitFixture f : KitFixture.all()) {
        BackendModel m = load(f, p);
        float[][] deltas = deltas(f, 4, 1);
        int[][] labels = f.positionsFromInjection();
        float[][][][] full = m.injectForward(f.rows(), f.layer(), f.injectAt(), deltas, labels);
        try (PrefixState prefix = m.buildPrefix(f.rows(), f.layer(), f.injectAt())) {
          for (int round = 0; round < 3; round++) {
            float[][][][] cached = m.resume(prefix, deltas, labels);
            for (int d = 0; d < deltas.length; d++) {
              Rule rule = round == 0 ? Rule.PREFIX_1 : Rule.PREFIX_2;
              rule.check(Numerics.identical(cached[d], full[d]), f.name() + " in " + p + ", direction " + d
                  + ", resume " + (round + 1) + ": " + Numerics.compare(cached[d], full[d]).describe());
            }
          }
        }
      }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("PREFIX-3 a zero delta gives the plain forward's logits")
    void zeroDeltaIsThePlainForward(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.RESUME_WITH_INJECTION);
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, p);
      int[][] labels = f.positionsFromInjection();
      try (PrefixState prefix = m.buildPrefix(f.rows(), f.layer(), f.injectAt())) {
        float[][][] zero = m.resume(prefix, new float[1][f.spec().hiddenSize()], labels)[0];
        within(Rule.PREFIX_3, p, "zero delta against forward", zero, m.forward(f.rows(), labels));
      }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("PREFIX-4 resume matches backend-cpu")
    void resumeMatchesTheReference(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.RESUME_WITH_INJECTION);
      for (KitFixture f : KitFixture.all()) {
        float[][] deltas = deltas(f, 3, 2);
        int[][] labels = f.positionsFromInjection();
        float[][][][] actual;
        BackendModel m = load(f, p);
        try (PrefixState prefix = m.buildPrefix(f.rows(), f.layer(), f.injectAt())) {
          actual = m.resume(prefix, deltas, labels);
        }
        float[][][][] expected =
            loadReference(f, p).injectForward(f.rows(), f.layer(), f.injectAt(), deltas, labels);
        for (int d = 0; d < deltas.length; d++) {
          within(Rule.PREFIX_4, p, f.name() + ", direction " + d, actual[d], expected[d]);
        }
      }
    }
  }

  @Nested
  @DisplayName("batched injection")
  class BatchedInjection {
    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("BATCH-1 a batch of directions gives each direction's logits alone")
    void batchEqualsOneByOne(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.RESUME_WITH_INJECTION);
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, p);
      float[][] deltas = deltas(f, 6, 3);
      int[][] labels = f.positionsFromInjection();
      try (PrefixState prefix = m.buildPrefix(f.rows(), f.layer(), f.injectAt())) {
        float[][][][] batched = m.resume(prefix, deltas, labels);
        Rule.BATCH_1.check(batched.length == deltas.length,
            batched.length + " results for " + deltas.length + " directions");
        for (int d = 0; d < deltas.length; d++) {
          float[][][] alone = m.resume(prefix, new float[][] {deltas[d]}, labels)[0];
          within(Rule.BATCH_1, p, "direction " + d + " of " + deltas.length, batched[d], alone);
        }
      }
    }
  }

  @Nested
  @DisplayName("loss terms")
  class Loss {
    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("LOSS-1 the loss terms are those of the returned logits")
    void lossTermsAreThoseOfTheLogits(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.RESUME_WITH_INJECTION);
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, p);
      float[][] deltas = deltas(f, 3, 4);
      int[][] positions = f.positionsFromInjection();
      int vocab = f.spec().vocabSize();
      int[][] labels = new int[positions.length][];
      for (int r = 0; r < positions.length; r++) {
        labels[r] = new int[positions[r].length];
        for (int k = 0; k < labels[r].length; k++) {
          labels[r][k] = r == 0 && k == 0 ? LossRequest.NO_LABEL : (7 + 31 * r + 5 * k) % vocab;
        }
      }
      double[] reference = LogProbabilities.logSoftmax(m.forward(new int[][] {f.rows()[0]},
          new int[][] {{positions[0][0]}})[0][0]);
      LossRequest request = LossRequest.labelsAndKl(labels, 0, 0, reference);
      try (PrefixState prefix = m.buildPrefix(f.rows(), f.layer(), f.injectAt())) {
        sameTerms(p, "resumeLoss", request.evaluate(m.resume(prefix, deltas, positions)),
            m.resumeLoss(prefix, deltas, positions, request), labels);
      }
      sameTerms(p, "injectForwardLoss",
          request.evaluate(m.injectForward(f.rows(), f.layer(), f.injectAt(), deltas, positions)),
          m.injectForwardLoss(f.rows(), f.layer(), f.injectAt(), deltas, positions, request), labels);
    }

    private void sameTerms(Precision p, String call, LossTerms expected, LossTerms actual, int[][] labels) {
      Rule.LOSS_1.check(actual.size() == expected.size(), call + " in " + p + ": " + actual.size() + " points for "
          + expected.size());
      for (int d = 0; d < expected.size(); d++) {
        LossTerms.Point e = expected.point(d);
        LossTerms.Point a = actual.point(d);
        Rule.LOSS_1.check(Math.abs(a.kl() - e.kl()) <= 1e-6, call + " in " + p + ", direction " + d + ": KL "
            + a.kl() + ", expected " + e.kl());
        for (int r = 0; r < labels.length; r++) {
          for (int k = 0; k < labels[r].length; k++) {
            Rule.LOSS_1.check(Math.abs(a.labelLogProb(r, k) - e.labelLogProb(r, k)) <= 1e-6, call + " in " + p
                + ", direction " + d + ", row " + r + ", label " + k + ": log-probability " + a.labelLogProb(r, k)
                + ", expected " + e.labelLogProb(r, k));
          }
        }
      }
    }
  }

  @Nested
  @DisplayName("rank-one updates")
  class RankOne {
    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("RANK-ONE-1 an update adds left·(right·key) to the MLP output")
    void updateAddsTheOuterProduct(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.RANK_ONE_UPDATE);
      assumeCapability(Capability.LAYER_CAPTURE);
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, p);
      int[][] row = {f.rows()[0]};
      int[] at = {f.injectAt()[0]};
      MlpCapture before = m.captureMlp(row, f.layer(), at);
      float[][] update = update(f, 4);
      long handle = m.applyRankOne(f.layer(), update[0], update[1]);
      float[] after = m.captureMlp(row, f.layer(), at).outputs()[0];
      m.revertRankOne(handle);
      double rk = 0;
      for (int j = 0; j < update[1].length; j++) {
        rk += (double) update[1][j] * before.keys()[0][j];
      }
      float[] expected = new float[after.length];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (float) (before.outputs()[0][i] + update[0][i] * rk);
      }
      // the key does not change (the update is downstream of it), so the output moves by left·(right·key)
      within(Rule.RANK_ONE_1, p, "MLP output after the update", new float[][][] {{after}},
          new float[][][] {{expected}});
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("RANK-ONE-2/3/4 updates revert exactly, in any order, once")
    void updatesRevertExactly(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.RANK_ONE_UPDATE);
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, p);
      float[][][] before = m.forward(f.rows(), f.logitPositions());
      float[][] u1 = update(f, 5);
      float[][] u2 = update(f, 6);
      long h1 = m.applyRankOne(f.layer(), u1[0], u1[1]);
      float[][][] one = m.forward(f.rows(), f.logitPositions());
      Rule.RANK_ONE_2.check(!Numerics.identical(one, before), "the update did not change any logit");
      m.revertRankOne(h1);
      Rule.RANK_ONE_2.check(Numerics.identical(m.forward(f.rows(), f.logitPositions()), before),
          "after apply + revert: " + Numerics.compare(m.forward(f.rows(), f.logitPositions()), before).describe());
      long a = m.applyRankOne(f.layer(), u1[0], u1[1]);
      long b = m.applyRankOne(f.layer() + 1, u2[0], u2[1]);
      m.revertRankOne(a); // the older one first
      m.revertRankOne(b);
      float[][][] after = m.forward(f.rows(), f.logitPositions());
      Rule.RANK_ONE_3.check(Numerics.identical(after, before),
          "two updates reverted oldest first: " + Numerics.compare(after, before).describe());
      try {
        m.revertRankOne(a);
      } catch (MobiEditException expected) {
        return;
      } catch (RuntimeException e) {
        throw Rule.RANK_ONE_4.violated("a second revert threw " + e.getClass().getName(), e);
      }
      throw Rule.RANK_ONE_4.violated("a handle was reverted twice without complaint");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("RANK-ONE-5 logits with an update match backend-cpu's")
    void updatedLogitsMatchTheReference(Precision p) {
      assumePrecision(p);
      assumeCapability(Capability.RANK_ONE_UPDATE);
      KitFixture f = KitFixture.world();
      float[][] u = update(f, 7);
      BackendModel m = load(f, p);
      BackendModel ref = loadReference(f, p);
      long h = m.applyRankOne(f.layer(), u[0], u[1]);
      long hr = ref.applyRankOne(f.layer(), u[0], u[1]);
      within(Rule.RANK_ONE_5, p, "with the update", m.forward(f.rows(), f.logitPositions()),
          ref.forward(f.rows(), f.logitPositions()));
      m.revertRankOne(h);
      ref.revertRankOne(hr);
    }
  }

  @Nested
  @DisplayName("static activation scales")
  class Calibration {
    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("CALIBRATE-1 scales read before a calibration and restored after it give the same logits")
    void restoredScalesGiveTheSameLogits(Precision p) {
      assumePrecision(p);
      assumeTrue(p.quantizesActivations(), () -> p.getId() + " has no activation scales");
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, p);
      float[][][] before = m.forward(f.rows(), f.logitPositions());
      var saved = m.activationScales();
      Rule.CALIBRATE_1.check(saved != null, "a calibrated model reports no activation scales");
      m.calibrateActivations(new int[][] {f.rows()[0]}); // one row: other magnitudes, other scales
      float[][][] other = m.forward(f.rows(), f.logitPositions());
      Rule.CALIBRATE_1.check(!Numerics.identical(other, before),
          "calibrating on other rows did not change any logit, so restoring proves nothing");
      m.restoreActivationScales(saved);
      float[][][] after = m.forward(f.rows(), f.logitPositions());
      Rule.CALIBRATE_1.check(Numerics.identical(after, before), Numerics.compare(after, before).describe());
    }
  }

  @Nested
  @DisplayName("cancellation")
  class Cancellation {
    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("CANCEL-1 an edit cancelled mid-search leaves the model bit for bit as before")
    void cancelledEditLeavesNoTrace(Precision p) {
      assumeEditable(p);
      KitFixture f = KitFixture.world();
      Model model = loadThroughFrontDoor(vendor(), f, p);
      Editor editor = track(openEditor(model, editOptions(p)));
      BackendModel m = model.backendModel();
      float[][][] before = m.forward(f.rows(), f.logitPositions());
      AtomicReference<EditCall> call = new AtomicReference<>();
      EditListener cancelAtStepTwo = new EditListener() {
        @Override
        public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
          if (step == 2) {
            call.get().cancel();
          }
        }
      };
      call.set(editor.newCall(KitFixture.WORLD_EDIT, cancelAtStepTwo));
      try {
        call.get().execute();
        throw Rule.CANCEL_1.violated("the edit ran to its end although it was cancelled at step 2");
      } catch (MobiEditException e) {
        Rule.CANCEL_1.check(e.getReason() == MobiEditException.Reason.CANCELLED,
            "the edit ended with " + e.getReason() + ": " + e.getMessage());
      }
      float[][][] after = m.forward(f.rows(), f.logitPositions());
      Rule.CANCEL_1.check(Numerics.identical(after, before), Numerics.compare(after, before).describe());
    }
  }

  @Nested
  @DisplayName("thread-safety contract")
  class Threads {
    @Test
    @DisplayName("THREADS-1 concurrent forward calls give the results of serial calls")
    void concurrentForwardIsSerialForward() throws Exception {
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, anyPrecision());
      int rows = f.rows().length;
      float[][][][] serial = new float[rows][][][];
      for (int r = 0; r < rows; r++) {
        serial[r] = m.forward(new int[][] {f.rows()[r]}, new int[][] {f.logitPositions()[r]});
      }
      List<Callable<float[][][]>> calls = new ArrayList<>();
      for (int repeat = 0; repeat < 4; repeat++) {
        for (int r = 0; r < rows; r++) {
          int row = r;
          calls.add(() -> m.forward(new int[][] {f.rows()[row]}, new int[][] {f.logitPositions()[row]}));
        }
      }
      List<float[][][]> results = runTogether(calls);
      for (int i = 0; i < results.size(); i++) {
        Rule.THREADS_1.check(Numerics.identical(results.get(i), serial[i % rows]),
            "row " + (i % rows) + " computed concurrently: "
                + Numerics.compare(results.get(i), serial[i % rows]).describe());
      }
    }

    @Test
    @DisplayName("THREADS-2 sequences decoded on different threads do not disturb each other")
    void sequencesAreIndependent() throws Exception {
      assumeCapability(Capability.KV_CACHE);
      KitFixture f = KitFixture.world();
      BackendModel m = load(f, anyPrecision());
      List<Callable<float[][][]>> calls = new ArrayList<>();
      for (int[] row : f.rows()) {
        calls.add(() -> decodeOneByOne(m, row));
      }
      List<float[][][]> concurrent = runTogether(calls);
      for (int r = 0; r < f.rows().length; r++) {
        float[][][] alone = decodeOneByOne(m, f.rows()[r]);
        Rule.THREADS_2.check(Numerics.identical(concurrent.get(r), alone),
            "row " + r + ": " + Numerics.compare(concurrent.get(r), alone).describe());
      }
    }

    private float[][][] decodeOneByOne(BackendModel m, int[] row) {
      float[][][] out = new float[1][row.length][];
      try (InferenceSequence s = m.newSequence(row.length)) {
        for (int i = 0; i < row.length; i++) {
          out[0][i] = s.append(new int[] {row[i]});
        }
      }
      return out;
    }

    private <T> List<T> runTogether(List<Callable<T>> calls) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> c : calls) {
          futures.add(pool.submit(() -> {
            start.await();
            return c.call();
          }));
        }
        start.countDown();
        List<T> out = new ArrayList<>();
        for (Future<T> fu : futures) {
          out.add(fu.get(60, TimeUnit.SECONDS));
        }
        return out;
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Nested
  @DisplayName("a full edit on the demo model")
  class FullEdit {
    @ParameterizedTest
    @EnumSource(Precision.class)
    @DisplayName("EDIT-1/2/3/4 the edit succeeds as on backend-cpu, in as many steps, the model answers it, undo is exact")
    void editMatchesTheReference(Precision p) {
      assumeEditable(p);
      KitFixture f = KitFixture.world();
      EditResult e = REFERENCE_EDITS.computeIfAbsent(p, q -> referenceEdit(f, q));
      Model model = loadThroughFrontDoor(vendor(), f, p);
      Editor editor = track(openEditor(model, editOptions(p)));
      BackendModel m = model.backendModel();
      float[][][] before = m.forward(f.rows(), f.logitPositions());
      EditResult r = editor.edit(KitFixture.WORLD_EDIT);
      Rule.EDIT_1.check(r.isSuccess() || !e.isSuccess(), "backend-cpu succeeded in " + e.getSteps()
          + " steps; this backend stopped after " + r.getSteps() + " steps (" + r.getStopReason() + ")");
      int allowed = stepTolerance(p, e.getSteps(), editOptions(p).getEarlyStopEvery());
      Rule.EDIT_2.check(Math.abs(r.getSteps() - e.getSteps()) <= allowed,
          r.getSteps() + " steps against backend-cpu's " + e.getSteps() + " (allowed: ±" + allowed + ")");
      if (r.isSuccess()) {
        String answer = greedy(m, f, KitFixture.WORLD_EDIT.getPrompt());
        Rule.EDIT_3.check(answer.strip().startsWith(KitFixture.WORLD_EDIT.getNewObject()),
            "the edited model continues \"" + KitFixture.WORLD_EDIT.getPrompt() + "\" with \"" + answer + "\"");
        editor.undoLast();
        float[][][] after = m.forward(f.rows(), f.logitPositions());
        Rule.EDIT_4.check(Numerics.identical(after, before), Numerics.compare(after, before).describe());
      }
    }

    /** Greedy continuation with forward passes only (no KV cache needed), as long as the target's tokens. */
    private String greedy(BackendModel m, KitFixture f, String prompt) {
      int[] ids = f.tokenizer().encodeForModel(prompt);
      int n = f.tokenizer().encodeContinuation(" " + KitFixture.WORLD_EDIT.getNewObject()).length;
      int[] generated = new int[n];
      for (int i = 0; i < n; i++) {
        float[] logits = m.forward(new int[][] {ids}, new int[][] {{ids.length - 1}})[0][0];
        generated[i] = Numerics.argmax(logits);
        ids = Arrays.copyOf(ids, ids.length + 1);
        ids[ids.length - 1] = generated[i];
      }
      return f.tokenizer().decode(generated);
    }
  }

  // ---- shared pieces -------------------------------------------------------------------------------------------------

  /** The edit engine needs capture, resume with injection and rank-one updates, in the precision. */
  private void assumeEditable(Precision p) {
    assumePrecision(p);
    assumeCapability(Capability.LAYER_CAPTURE);
    assumeCapability(Capability.RESUME_WITH_INJECTION);
    assumeCapability(Capability.RANK_ONE_UPDATE);
  }

  /** The recommended search at the demo model's layer, seeded (without key statistics, which only cost time here). */
  private static EditOptions editOptions(Precision p) {
    return EditOptions.recommended().toBuilder().layer(KitFixture.world().layer()).seed(1).precision(p).build();
  }

  /** Seeded deltas at the scale of the residual stream; direction 0 is zero. */
  private static float[][] deltas(KitFixture f, int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] out = new float[count][f.spec().hiddenSize()];
    for (int d = 1; d < count; d++) {
      for (int i = 0; i < out[d].length; i++) {
        out[d][i] = (float) (r.nextGaussian() * 0.5);
      }
    }
    return out;
  }

  /** A seeded update {left, right} large enough to move the logits. */
  private static float[][] update(KitFixture f, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] left = new float[f.spec().hiddenSize()];
    float[] right = new float[f.spec().intermediateSize()];
    for (int i = 0; i < left.length; i++) {
      left[i] = (float) (r.nextGaussian() * 0.5);
    }
    for (int j = 0; j < right.length; j++) {
      right[j] = (float) (r.nextGaussian() * 0.2);
    }
    return new float[][] {left, right};
  }
}
