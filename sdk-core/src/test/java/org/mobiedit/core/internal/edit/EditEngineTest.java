package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.store.StoredEdit;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.Capability;

/**
 * The orchestration of one edit on {@link ToyModel}: the steps run in data-flow order, the update found is the one
 * written, nothing is written when the model already answers, and a backend without an editing capability is refused
 * before any work.
 */
class EditEngineTest {
  /** No sampled templates (the toy has no text), the toy's layer 1, a budget of 60 steps. */
  private static final EditOptions OPTIONS = EditOptions.builder().contextTemplates(0).layer(1).maxSteps(60)
      .learningRate(0.5).build();
  private static final EditRequest REQUEST = HandMadeEdit.REQUEST;
  private static final int[] TARGET = HandMadeEdit.ids(" x");

  private static EditEngine engine(BackendModel model) {
    return new EditEngine(model, HandMadeEdit.tokenizer(), "toy", EnumSet.allOf(Capability.class));
  }

  @Test
  void theStepsRunInDataFlowOrderAndTheUpdateIsWrittenLast() {
    ToyModel model = new ToyModel(TARGET);
    EditEngine.Outcome out = engine(model).edit(REQUEST, OPTIONS);
    assertThat(out.result().getSteps()).isEqualTo(20);
    List<String> expected = new ArrayList<>(List.of(
        "captureMlp", // the key and the direction
        "forward", // the essence row's unedited distribution, for the loss
        "forward", // does the model already answer? (no)
        "buildPrefix")); // the prefix cache
    expected.addAll(Collections.nCopies(20, "resume")); // 20 steps, each one batched forward
    expected.addAll(List.of("applyRankOne", "forward", "revertRankOne")); // the early-stopping check at step 20
    expected.addAll(List.of("applyRankOne", "forward", "revertRankOne")); // the final success check
    expected.addAll(List.of("closePrefix", "applyRankOne")); // the write
    assertThat(model.calls).containsExactlyElementsOf(expected);
  }

  @Test
  void theWrittenUpdateIsTheResultsAndTheModelThenAnswers() {
    ToyModel model = new ToyModel(TARGET);
    EditEngine.Outcome out = engine(model).edit(REQUEST, OPTIONS);
    EditResult r = out.result();
    assertThat(r.isSuccess()).isTrue();
    assertThat(r.getStopReason()).isEqualTo(EditResult.StopReason.EARLY_STOP_SUCCESS);
    assertThat(r.getLayer()).isEqualTo(1);
    assertThat(r.getRightVector()).containsExactly(0.6f, 0, 0.8f); // K/|K|
    assertThat(r.getLossCurve()).hasSize(20);
    assertThat(r.getContextTemplates()).containsExactly("{}");
    // The key capture (1 row), the essence row, the first check, 20 steps × 10 points × 2 rows, two checks.
    assertThat(r.getForwardPasses()).isEqualTo(1 + 1 + 1 + 20 * 10 * 2 + 2);
    assertThat(out.handles()).singleElement().satisfies(h -> assertThat(h).isPositive());
    assertThat(model.appliedUpdates()).isEqualTo(1);
    EditBatch batch = EditBatch.build(HandMadeEdit.tokenizer(), REQUEST, List.of("{}"), 64);
    assertThat(new RewriteCheck(model, batch).passes()).isTrue();
  }

  @Test
  void anEditMadeOnTopOfOthersSearchesWithTheSequentialDirectionsAndAFirstEditWithTheOthers() {
    EditOptions sequential = OPTIONS.toBuilder().sequentialDirections(3).build();
    EditResult onTop = onTopOfAnother(sequential);
    EditResult threeDirections = engine(new ToyModel(TARGET))
        .edit(REQUEST, OPTIONS.toBuilder().directions(3).build()).result();
    assertThat(onTop.getLossCurve()).containsExactly(threeDirections.getLossCurve());
    assertThat(onTop.getForwardPasses()).isEqualTo(threeDirections.getForwardPasses());

    EditResult first = engine(new ToyModel(TARGET)).edit(REQUEST, sequential).result();
    EditResult fiveDirections = engine(new ToyModel(TARGET)).edit(REQUEST, OPTIONS).result();
    assertThat(first.getLossCurve()).containsExactly(fiveDirections.getLossCurve());
    assertThat(threeDirections.getLossCurve()).isNotEqualTo(fiveDirections.getLossCurve());
  }

  @Test
  void anEditMadeOnTopOfOthersSearchesAtTheSequentialLearningRate() {
    EditOptions sequential = OPTIONS.toBuilder().sequentialLearningRate(0.25).build();
    EditResult onTop = onTopOfAnother(sequential);
    EditResult slower = engine(new ToyModel(TARGET))
        .edit(REQUEST, OPTIONS.toBuilder().learningRate(0.25).build()).result();
    assertThat(onTop.getLossCurve()).containsExactly(slower.getLossCurve());
    assertThat(onTop.getLeftVector()).containsExactly(slower.getLeftVector());

    EditResult first = engine(new ToyModel(TARGET)).edit(REQUEST, sequential).result();
    EditResult asBefore = engine(new ToyModel(TARGET)).edit(REQUEST, OPTIONS).result();
    assertThat(first.getLossCurve()).containsExactly(asBefore.getLossCurve());
    assertThat(slower.getLossCurve()).isNotEqualTo(asBefore.getLossCurve());
    assertThat(EditEngine.searchOptions(OPTIONS, true).getLearningRate()).isEqualTo(OPTIONS.getLearningRate());
  }

  /** The toy's edit proposed by an editor that holds another subject's edit (written nowhere: the toy is unedited). */
  private static EditResult onTopOfAnother(EditOptions options) {
    List<StoredEdit> earlier = List.of(new StoredEdit("first", EditRequest.of("Ann", "{} saw a", "y"), 1,
        new float[4], new float[3]));
    return engine(new ToyModel(TARGET)).propose(REQUEST, options, earlier, EditListener.NONE, () -> false).result();
  }

  @Test
  void withTheCacheOffTheSameEditRunsFromPositionZeroWithTheSameResult() {
    EditResult cached = engine(new ToyModel(TARGET)).edit(REQUEST, OPTIONS).result();
    ToyModel model = new ToyModel(TARGET);
    EditResult uncached = engine(model).edit(REQUEST, OPTIONS.toBuilder().prefixCache(false).build()).result();
    assertThat(model.calls).contains("injectForward").doesNotContain("buildPrefix", "resume");
    assertThat(uncached.getLossCurve()).containsExactly(cached.getLossCurve());
    assertThat(uncached.getLeftVector()).containsExactly(cached.getLeftVector());
  }

  @Test
  void aModelThatAlreadyAnswersGetsNoUpdate() {
    ToyModel model = new ToyModel(TARGET);
    model.applyRankOne(1, new float[] {1, 1, 1, 1}, new float[] {0.6f, 0, 0.8f}); // w·r·(u·K) = 10 > 0
    model.calls.clear();
    EditEngine.Outcome out = engine(model).edit(REQUEST, OPTIONS);
    assertThat(out.written()).isFalse();
    assertThat(out.result().isSuccess()).isTrue();
    assertThat(out.result().getSteps()).isZero();
    assertThat(out.result().getLeftVector()).containsOnly(0f);
    assertThat(model.calls).containsExactly("captureMlp", "forward", "forward");
    assertThat(model.appliedUpdates()).isEqualTo(1);
  }

  @Test
  void anEditThatFailsIsNotWrittenUnlessAskedTo() {
    ToyModel model = new ToyModel(TARGET);
    EditOptions tooShort = OPTIONS.toBuilder().maxSteps(1).learningRate(1e-9).build();
    EditEngine.Outcome out = engine(model).edit(REQUEST, tooShort);
    assertThat(out.result().isSuccess()).isFalse();
    assertThat(out.result().getStopReason()).isEqualTo(EditResult.StopReason.MAX_STEPS);
    assertThat(out.written()).isFalse();
    assertThat(model.appliedUpdates()).isZero();
    EditEngine.Outcome kept = engine(model).edit(REQUEST, tooShort.toBuilder().keepUnsuccessful(true).build());
    assertThat(kept.handles()).singleElement().satisfies(h -> assertThat(h).isPositive());
    assertThat(model.appliedUpdates()).isEqualTo(1);
  }

  @Test
  void theListenerHearsTheStartFirstAndTheFinishLast() {
    List<String> events = new ArrayList<>();
    EditListener listener = new EditListener() {
      @Override
      public void onStart(EditRequest request, int maxSteps) {
        events.add("start");
      }

      @Override
      public void onPrefixCacheBuilt(long millis) {
        events.add("prefix");
      }

      @Override
      public void onFinish(EditResult result) {
        events.add("finish " + result.getSteps());
      }
    };
    engine(new ToyModel(TARGET)).edit(REQUEST, OPTIONS, listener, () -> false);
    assertThat(events).containsExactly("start", "prefix", "finish 20");
  }

  @Test
  void aBackendWithoutAnEditingCapabilityIsRefusedBeforeAnyWork() {
    BackendModel model = mock(BackendModel.class);
    Tokenizer tokenizer = mock(Tokenizer.class);
    EditEngine engine = new EditEngine(model, tokenizer, "acme",
        EnumSet.of(Capability.PRECISION_FP32, Capability.LAYER_CAPTURE, Capability.RANK_ONE_UPDATE));
    assertThatThrownBy(() -> engine.edit(REQUEST, OPTIONS))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertThat(e.getReason())
            .isEqualTo(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION))
        .hasMessageContaining("'acme'")
        .hasMessageContaining("RESUME_WITH_INJECTION");
    verifyNoInteractions(model, tokenizer);
  }

  @Test
  void aLayerTheModelDoesNotHaveIsRefused() {
    assertThatThrownBy(() -> engine(new ToyModel(TARGET)).edit(REQUEST, OPTIONS.toBuilder().layer(4).build()))
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertThat(e.getReason())
            .isEqualTo(MobiEditException.Reason.INVALID_REQUEST))
        .hasMessageContaining("layers 0..3");
  }

  @Test
  void theDefaultLayerIsAboutASixthOfTheDepth() {
    assertThat(EditEngine.defaultLayer(36)).isEqualTo(6);
    assertThat(EditEngine.defaultLayer(28)).isEqualTo(5);
    assertThat(EditEngine.defaultLayer(1)).isZero();
  }
}
