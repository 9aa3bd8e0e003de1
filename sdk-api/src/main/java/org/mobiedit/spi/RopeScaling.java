package org.mobiedit.spi;

/**
 * A rotary-frequency scaling rule. {@link #NONE} leaves the frequencies {@code theta^(-2i/d)} as they are;
 * {@link Type#LLAMA3} is the piecewise rule of Llama 3.1/3.2 ({@code rope_scaling.rope_type = "llama3"});
 * {@link Type#LINEAR} divides every frequency by {@code factor}.
 *
 * @param type the rule
 * @param factor the scaling factor (8 for Llama 3.1, 32 for Llama 3.2)
 * @param lowFreqFactor llama3 only: wavelengths above {@code originalContext / lowFreqFactor} are fully scaled
 * @param highFreqFactor llama3 only: wavelengths below {@code originalContext / highFreqFactor} are unscaled
 * @param originalContext llama3 only: {@code original_max_position_embeddings}
 */
public record RopeScaling(Type type, double factor, double lowFreqFactor, double highFreqFactor, int originalContext) {

  /** The rules known to the SDK. */
  public enum Type {
    NONE,
    LINEAR,
    LLAMA3
  }

  /** No scaling. */
  public static final RopeScaling NONE = new RopeScaling(Type.NONE, 1, 1, 1, 0);

  public RopeScaling {
    if (type != Type.NONE && !(factor > 0)) {
      throw new IllegalArgumentException("rope scaling factor must be > 0, got " + factor);
    }
    if (type == Type.LLAMA3 && (originalContext <= 0 || !(highFreqFactor > lowFreqFactor))) {
      throw new IllegalArgumentException(
          "llama3 rope scaling needs original_max_position_embeddings > 0 and high_freq_factor > low_freq_factor");
    }
  }

  /** Llama 3 style scaling. */
  public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalContext) {
    return new RopeScaling(Type.LLAMA3, factor, lowFreqFactor, highFreqFactor, originalContext);
  }

  /** Linear (position-interpolation) scaling. */
  public static RopeScaling linear(double factor) {
    return new RopeScaling(Type.LINEAR, factor, 1, 1, 0);
  }

  /**
   * The inverse frequencies {@code 1 / theta^(2i/headDim)} for {@code i < headDim/2}, with this scaling applied.
   * Computed in double precision so that every backend starts from identical values.
   */
  public double[] inverseFrequencies(int headDim, double theta) {
    int half = headDim / 2;
    double[] inv = new double[half];
    for (int i = 0; i < half; i++) {
      double f = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
      inv[i] = scale(f);
    }
    return inv;
  }

  private double scale(double freq) {
    switch (type) {
      case LINEAR:
        return freq / factor;
      case LLAMA3: {
        double lowFreqWavelen = originalContext / lowFreqFactor;
        double highFreqWavelen = originalContext / highFreqFactor;
        double wavelen = 2 * Math.PI / freq;
        if (wavelen < highFreqWavelen) {
          return freq;
        }
        if (wavelen > lowFreqWavelen) {
          return freq / factor;
        }
        double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * freq / factor + smooth * freq;
      }
      default:
        return freq;
    }
  }
}
