package com.acme.mobiedit;

import org.mobiedit.api.Precision;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.InferenceSequence;
import org.mobiedit.spi.MemoryUsage;
import org.mobiedit.spi.MlpCapture;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.PrefixState;
import org.mobiedit.spi.numerics.ActivationScales;

/**
 * A model on the ACME backend. Each method is where a vendor runs its compiled graph; here each one hands the work to
 * backend-cpu. The optional operations (capture, prefix resume, rank-one updates) are overridden because the backend
 * claims their capabilities; a backend that did not would leave the SPI's defaults, which refuse clearly.
 */
final class AcmeModel implements BackendModel {
  private final BackendModel engine;

  AcmeModel(BackendModel engine) {
    this.engine = engine;
  }

  @Override
  public ModelSpec spec() {
    return engine.spec();
  }

  @Override
  public Precision precision() {
    return engine.precision();
  }

  @Override
  public MemoryUsage memory() {
    return engine.memory();
  }

  @Override
  public boolean keepsModelFilesMapped() {
    return engine.keepsModelFilesMapped();
  }

  @Override
  public float[][][] forward(int[][] rows, int[][] logitPositions) {
    return engine.forward(rows, logitPositions);
  }

  @Override
  public InferenceSequence newSequence(int capacity) {
    return engine.newSequence(capacity);
  }

  @Override
  public void calibrateActivations(int[][] rows) {
    engine.calibrateActivations(rows);
  }

  @Override
  public ActivationScales activationScales() {
    return engine.activationScales();
  }

  @Override
  public void restoreActivationScales(ActivationScales scales) {
    engine.restoreActivationScales(scales);
  }

  @Override
  public MlpCapture captureMlp(int[][] rows, int layer, int[] positions) {
    return engine.captureMlp(rows, layer, positions);
  }

  @Override
  public float[][] captureKeys(int[] row, int layer) {
    return engine.captureKeys(row, layer);
  }

  @Override
  public PrefixState buildPrefix(int[][] rows, int layer, int[] injectAt) {
    return engine.buildPrefix(rows, layer, injectAt);
  }

  @Override
  public float[][][][] resume(PrefixState prefix, float[][] deltas, int[][] logitPositions) {
    return engine.resume(prefix, deltas, logitPositions);
  }

  @Override
  public float[][][][] injectForward(int[][] rows, int layer, int[] injectAt, float[][] deltas,
      int[][] logitPositions) {
    return engine.injectForward(rows, layer, injectAt, deltas, logitPositions);
  }

  @Override
  public long applyRankOne(int layer, float[] left, float[] right) {
    return engine.applyRankOne(layer, left, right);
  }

  @Override
  public void revertRankOne(long handle) {
    engine.revertRankOne(handle);
  }

  @Override
  public void close() {
    engine.close();
  }
}
