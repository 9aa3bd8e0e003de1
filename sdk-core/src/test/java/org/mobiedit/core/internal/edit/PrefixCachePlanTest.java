package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.LossRequest;
import org.mobiedit.spi.LossTerms;
import org.mobiedit.spi.PrefixState;

/** The prefix cache on: built once, every forward resumes from it, closed at the end; off: every row from 0. */
class PrefixCachePlanTest {
  private final EditBatch batch = HandMadeEdit.batch("{}", "A. {}");
  private final BackendModel model = mock(BackendModel.class);
  private final PrefixState prefix = mock(PrefixState.class);
  private final float[][] points = {{0, 0}, {1, 0}, {-1, 0}};

  PrefixCachePlanTest() {
    when(model.buildPrefix(any(), anyInt(), any())).thenReturn(prefix);
    when(model.resumeLoss(any(), any(), any(), any()))
        .thenAnswer(a -> terms(((float[][]) a.getArgument(1)).length));
    when(model.injectForwardLoss(any(), anyInt(), any(), any(), any(), any()))
        .thenAnswer(a -> terms(((float[][]) a.getArgument(3)).length));
  }

  private final LossRequest request = LossRequest.labels(new int[][] {{1}, {1}, {1}});

  private LossTerms terms(int points) {
    LossTerms.Point[] p = new LossTerms.Point[points];
    for (int i = 0; i < points; i++) {
      p[i] = request.newPoint();
    }
    return new LossTerms(p);
  }

  @Test
  void withTheCacheOnThePrefixIsBuiltOnceAndEveryForwardResumesFromIt() {
    EditListener listener = mock(EditListener.class);
    try (PrefixCachePlan plan = PrefixCachePlan.open(model, batch, 2, EditOptions.defaults(), listener)) {
      assertThat(plan.cached()).isTrue();
      assertThat(plan.terms(points, request).size()).isEqualTo(3);
      plan.terms(points, request);
    }
    verify(model).buildPrefix(same(batch.rows), eq(2), same(batch.lookup));
    verify(model, times(2)).resumeLoss(same(prefix), any(), same(batch.labelPositions), same(request));
    verify(model, never()).injectForwardLoss(any(), anyInt(), any(), any(), any(), any());
    verify(listener).onPrefixCacheBuilt(org.mockito.ArgumentMatchers.anyLong());
    verify(prefix).close();
  }

  @Test
  void withTheCacheOffEveryRowRunsFromPositionZero() {
    EditListener listener = mock(EditListener.class);
    try (PrefixCachePlan plan = PrefixCachePlan.open(model, batch, 2,
        EditOptions.builder().prefixCache(false).build(), listener)) {
      assertThat(plan.cached()).isFalse();
      assertThat(plan.terms(points, request).size()).isEqualTo(3);
    }
    verify(model).injectForwardLoss(same(batch.rows), eq(2), same(batch.lookup), same(points),
        same(batch.labelPositions), same(request));
    verify(model, never()).buildPrefix(any(), anyInt(), any());
    verify(listener, never()).onPrefixCacheBuilt(org.mockito.ArgumentMatchers.anyLong());
  }

  @Test
  void unbatchedEveryPointIsItsOwnCall() {
    try (PrefixCachePlan plan = PrefixCachePlan.open(model, batch, 2,
        EditOptions.builder().batchPerturbations(false).build(), EditListener.NONE)) {
      assertThat(plan.terms(points, request).size()).isEqualTo(3);
    }
    verify(model, times(3)).resumeLoss(same(prefix), any(), any(), same(request));
  }

  @Test
  void everyPointRunsEveryRow() {
    try (PrefixCachePlan plan = PrefixCachePlan.open(model, batch, 2, EditOptions.defaults(), EditListener.NONE)) {
      assertThat(plan.rows()).isEqualTo(3); // two templates and the essence row
    }
  }

  @Test
  void aListenerThatThrowsWhenTheCacheIsBuiltLeavesNothingOpen() {
    EditListener failing = new EditListener() {
      @Override
      public void onPrefixCacheBuilt(long millis) {
        throw new IllegalStateException("listener bug");
      }
    };
    assertThatThrownBy(() -> PrefixCachePlan.open(model, batch, 2, EditOptions.defaults(), failing))
        .hasMessage("listener bug");
    verify(prefix).close();
  }
}
