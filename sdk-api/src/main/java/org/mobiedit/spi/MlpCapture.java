package org.mobiedit.spi;

/**
 * What the edit engine reads at the edited layer, one position per row: the MLP key (the input of {@code W_down},
 * {@code act(gate)·up}, length {@code intermediateSize}) and the MLP output ({@code W_down·key} plus any rank-one
 * terms, length {@code hiddenSize}).
 *
 * @param keys {@code keys[row]}
 * @param outputs {@code outputs[row]}
 */
public record MlpCapture(float[][] keys, float[][] outputs) {}
