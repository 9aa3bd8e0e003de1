package org.mobiedit.backend.cpu;

import org.mobiedit.backend.cpu.model.KvCache;
import org.mobiedit.spi.PrefixState;

/**
 * Per row: the key/value cache of the full pass (positions {@code < s} are reused by every resume), the residual
 * stream after the edited layer at positions ≥ s, and — at s itself — the residual before the MLP and the MLP output
 * kept apart, so a resume computes {@code residual + (mlpOutput + delta)} exactly as a full pass does.
 */
final class CpuPrefixState implements PrefixState {
  static final class Row {
    final KvCache cache;
    final int injectAt;
    final int length;
    /** Residual after the layer at positions {@code injectAt ..}, {@code (length - injectAt) × d}. */
    final float[] suffix;
    final float[] residualBefore;
    final float[] mlpOutput;

    Row(KvCache cache, int injectAt, int length, float[] suffix, float[] residualBefore, float[] mlpOutput) {
      this.cache = cache;
      this.injectAt = injectAt;
      this.length = length;
      this.suffix = suffix;
      this.residualBefore = residualBefore;
      this.mlpOutput = mlpOutput;
    }
  }

  final CpuModel owner;
  final int layer;
  Row[] rows;

  CpuPrefixState(CpuModel owner, int layer, Row[] rows) {
    this.owner = owner;
    this.layer = layer;
    this.rows = rows;
  }

  @Override
  public int layer() {
    return layer;
  }

  @Override
  public int rows() {
    return live().length;
  }

  Row[] live() {
    if (rows == null) {
      throw new IllegalStateException("this prefix state was closed");
    }
    return rows;
  }

  @Override
  public void close() {
    rows = null;
  }
}
