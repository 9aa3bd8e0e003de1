package org.mobiedit.api;

import java.util.Locale;

/**
 * How to continue a prompt: greedy (the default) or seeded sampling. Immutable; build with {@link #builder()}.
 *
 * <p>Sampling is deterministic: the same options, prompt and model always give the same tokens.
 */
public final class GenerationOptions {
  private final int maxTokens;
  private final float temperature;
  private final int topK;
  private final float topP;
  private final long seed;
  private final boolean stopAtEos;

  private GenerationOptions(Builder b) {
    this.maxTokens = b.maxTokens;
    this.temperature = b.temperature;
    this.topK = b.topK;
    this.topP = b.topP;
    this.seed = b.seed;
    this.stopAtEos = b.stopAtEos;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Greedy decoding of up to {@code maxTokens} tokens. */
  public static GenerationOptions greedy(int maxTokens) {
    return builder().maxTokens(maxTokens).build();
  }

  public int getMaxTokens() {
    return maxTokens;
  }

  /** 0 means greedy (argmax); otherwise logits are divided by it before sampling. */
  public float getTemperature() {
    return temperature;
  }

  /** Sample only among the k most likely tokens; 0 means no limit. */
  public int getTopK() {
    return topK;
  }

  /** Nucleus sampling threshold in (0, 1]; 1 means no limit. */
  public float getTopP() {
    return topP;
  }

  public long getSeed() {
    return seed;
  }

  public boolean isGreedy() {
    return temperature == 0f;
  }

  /** Stop when the model emits one of its end-of-sequence tokens. */
  public boolean isStopAtEos() {
    return stopAtEos;
  }

  @Override
  public String toString() {
    return isGreedy()
        ? "greedy, max " + maxTokens
        : String.format(Locale.ROOT, "sample T=%.3g top-k=%d top-p=%.3g seed=%d, max %d",
            temperature, topK, topP, seed, maxTokens);
  }

  /** Builder with defaults: greedy, 64 tokens, stop at EOS, seed 0. */
  public static final class Builder {
    private int maxTokens = 64;
    private float temperature = 0f;
    private int topK = 0;
    private float topP = 1f;
    private long seed = 0;
    private boolean stopAtEos = true;

    private Builder() {}

    public Builder maxTokens(int v) {
      maxTokens = v;
      return this;
    }

    public Builder temperature(float v) {
      temperature = v;
      return this;
    }

    public Builder topK(int v) {
      topK = v;
      return this;
    }

    public Builder topP(float v) {
      topP = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder stopAtEos(boolean v) {
      stopAtEos = v;
      return this;
    }

    /** @throws MobiEditException {@code INVALID_REQUEST} for out-of-range values */
    public GenerationOptions build() {
      if (maxTokens < 0) {
        throw invalid("max tokens must be >= 0, got " + maxTokens);
      }
      if (!(temperature >= 0) || !Float.isFinite(temperature)) {
        throw invalid("temperature must be a finite number >= 0 (0 = greedy), got " + temperature);
      }
      if (topK < 0) {
        throw invalid("top-k must be >= 0 (0 = off), got " + topK);
      }
      if (!(topP > 0 && topP <= 1)) {
        throw invalid("top-p must be in (0, 1], got " + topP);
      }
      return new GenerationOptions(this);
    }

    private static MobiEditException invalid(String msg) {
      return new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "Invalid generation options: " + msg);
    }
  }
}
