package org.mobiedit.backend.cpu.model;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.cpu.kernel.Matrix;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.Tensor;
import org.mobiedit.spi.TensorNames;

/** One decoder layer's weights in the backend's storage. */
final class LayerWeights {
  final float[] attnNorm;
  final Matrix wq;
  final Matrix wk;
  final Matrix wv;
  final float @Nullable [] bq;
  final float @Nullable [] bk;
  final float @Nullable [] bv;
  final Matrix wo;
  final float[] ffnNorm;
  final Matrix gate;
  final Matrix up;
  final Matrix down;
  /** Rank-one side terms of {@code down}, in the order they were applied. */
  final java.util.List<RankOneTerm> rankOne = new java.util.concurrent.CopyOnWriteArrayList<>();

  LayerWeights(ModelSpec spec, ModelWeights w, int layer, Function<Tensor, Matrix> matrix) {
    attnNorm = w.tensor(TensorNames.attnNorm(layer)).readAll();
    wq = matrix.apply(w.tensor(TensorNames.attnQ(layer)));
    wk = matrix.apply(w.tensor(TensorNames.attnK(layer)));
    wv = matrix.apply(w.tensor(TensorNames.attnV(layer)));
    if (spec.attentionBias()) {
      bq = w.tensor(TensorNames.attnQBias(layer)).readAll();
      bk = w.tensor(TensorNames.attnKBias(layer)).readAll();
      bv = w.tensor(TensorNames.attnVBias(layer)).readAll();
    } else {
      bq = null;
      bk = null;
      bv = null;
    }
    wo = matrix.apply(w.tensor(TensorNames.attnOutput(layer)));
    ffnNorm = w.tensor(TensorNames.ffnNorm(layer)).readAll();
    gate = matrix.apply(w.tensor(TensorNames.ffnGate(layer)));
    up = matrix.apply(w.tensor(TensorNames.ffnUp(layer)));
    down = matrix.apply(w.tensor(TensorNames.ffnDown(layer)));
  }

  long bytes() {
    long n = 4L * (attnNorm.length + ffnNorm.length);
    if (bq != null) {
      n += 4L * (bq.length + bk.length + bv.length);
    }
    return n + wq.bytes() + wk.bytes() + wv.bytes() + wo.bytes() + gate.bytes() + up.bytes() + down.bytes();
  }
}
