package org.mobiedit.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The architecture of a loaded model: everything a backend needs besides the tensors. Immutable; build with
 * {@link #builder()}. The builder checks the numbers against each other, so a {@code ModelSpec} is always
 * self-consistent and within sane limits; {@link #expectedShape(String)} tells what shape every tensor must have.
 *
 * <p>The limits ({@code MAX_...}) leave generous headroom over the largest real models (Llama 3.1 405B: 126
 * layers, width 16384, FFN 53248, 128 heads of 128; vocabularies up to about 256k; contexts up to 10M) while
 * keeping every size the SDK derives from them ({@link #queryDim()}, {@link #kvDim()}, the tensor name list) small
 * and free of {@code int} overflow. They are checked in {@link Builder#build()}, before anything is allocated or a
 * tensor name is built, so a damaged file cannot ask for billions of layers.
 */
public final class ModelSpec {
  /** The most layers a spec may have (real models: at most about 128). */
  public static final int MAX_LAYERS = 1024;
  /** The widest residual stream (real models: at most about 16k-18k). */
  public static final int MAX_HIDDEN_SIZE = 1 << 16;
  /** The widest MLP (real dense models: at most about 53k-74k). */
  public static final int MAX_INTERMEDIATE_SIZE = 1 << 18;
  /** The most attention heads (real models: at most 128). */
  public static final int MAX_HEADS = 1024;
  /** The largest head dimension (real models: at most 256). */
  public static final int MAX_HEAD_DIM = 1024;
  /** The largest vocabulary, 2^22 (real models: at most about 256k). */
  public static final int MAX_VOCAB_SIZE = 1 << 22;
  /** The longest context, 2^24 (real models: at most about 10M). */
  public static final int MAX_CONTEXT_LENGTH = 1 << 24;

  private final Architecture architecture;
  private final int hiddenSize;
  private final int intermediateSize;
  private final int layers;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int vocabSize;
  private final int contextLength;
  private final float rmsNormEps;
  private final double ropeTheta;
  private final RopeLayout ropeLayout;
  private final RopeScaling ropeScaling;
  private final boolean tiedEmbeddings;
  private final boolean attentionBias;

  private ModelSpec(Builder b) {
    this.architecture = Objects.requireNonNull(b.architecture, "architecture");
    this.hiddenSize = b.hiddenSize;
    this.intermediateSize = b.intermediateSize;
    this.layers = b.layers;
    this.heads = b.heads;
    this.kvHeads = b.kvHeads == 0 ? b.heads : b.kvHeads;
    this.headDim = b.headDim == 0 && b.heads > 0 ? b.hiddenSize / b.heads : b.headDim;
    this.vocabSize = b.vocabSize;
    this.contextLength = b.contextLength;
    this.rmsNormEps = b.rmsNormEps;
    this.ropeTheta = b.ropeTheta;
    this.ropeLayout = Objects.requireNonNull(b.ropeLayout, "ropeLayout");
    this.ropeScaling = Objects.requireNonNull(b.ropeScaling, "ropeScaling");
    this.tiedEmbeddings = b.tiedEmbeddings;
    this.attentionBias = b.attentionBias;
    validate();
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    inRange(problems, "hidden size", hiddenSize, MAX_HIDDEN_SIZE);
    inRange(problems, "intermediate size", intermediateSize, MAX_INTERMEDIATE_SIZE);
    inRange(problems, "layer count", layers, MAX_LAYERS);
    inRange(problems, "attention head count", heads, MAX_HEADS);
    inRange(problems, "key/value head count", kvHeads, MAX_HEADS);
    inRange(problems, "head dimension", headDim, MAX_HEAD_DIM);
    inRange(problems, "vocabulary size", vocabSize, MAX_VOCAB_SIZE);
    inRange(problems, "context length", contextLength, MAX_CONTEXT_LENGTH);
    if (heads > 0 && kvHeads > 0 && heads % kvHeads != 0) {
      problems.add("attention heads (" + heads + ") must be a multiple of key/value heads (" + kvHeads + ")");
    }
    if (headDim % 2 != 0) {
      problems.add("head dimension (" + headDim + ") must be even for rotary embeddings");
    }
    if (!(rmsNormEps > 0) || !(rmsNormEps < 1)) {
      problems.add("RMS norm epsilon must be a positive number below 1, got " + rmsNormEps);
    }
    if (!(ropeTheta > 0) || !Double.isFinite(ropeTheta)) {
      problems.add("rope theta must be a positive number, got " + ropeTheta);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid model configuration: " + String.join("; ", problems));
    }
  }

  private static void inRange(List<String> problems, String what, int value, int max) {
    if (value <= 0 || value > max) {
      problems.add(what + " must be from 1 to " + max + ", got " + value);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised with this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.architecture = architecture;
    b.hiddenSize = hiddenSize;
    b.intermediateSize = intermediateSize;
    b.layers = layers;
    b.heads = heads;
    b.kvHeads = kvHeads;
    b.headDim = headDim;
    b.vocabSize = vocabSize;
    b.contextLength = contextLength;
    b.rmsNormEps = rmsNormEps;
    b.ropeTheta = ropeTheta;
    b.ropeLayout = ropeLayout;
    b.ropeScaling = ropeScaling;
    b.tiedEmbeddings = tiedEmbeddings;
    b.attentionBias = attentionBias;
    return b;
  }

  public Architecture architecture() {
    return architecture;
  }

  /** The residual stream width {@code d}. */
  public int hiddenSize() {
    return hiddenSize;
  }

  /** The MLP width {@code d_ff}: {@code W_down} is {@code [hiddenSize, intermediateSize]}. */
  public int intermediateSize() {
    return intermediateSize;
  }

  public int layers() {
    return layers;
  }

  public int heads() {
    return heads;
  }

  public int kvHeads() {
    return kvHeads;
  }

  public int headDim() {
    return headDim;
  }

  public int vocabSize() {
    return vocabSize;
  }

  /** The longest sequence the model accepts (positions 0 .. contextLength-1). */
  public int contextLength() {
    return contextLength;
  }

  public float rmsNormEps() {
    return rmsNormEps;
  }

  public double ropeTheta() {
    return ropeTheta;
  }

  public RopeLayout ropeLayout() {
    return ropeLayout;
  }

  public RopeScaling ropeScaling() {
    return ropeScaling;
  }

  /** True when the LM head is the token embedding matrix ({@link TensorNames#OUTPUT} is absent). */
  public boolean tiedEmbeddings() {
    return tiedEmbeddings;
  }

  /** True when q, k and v projections have biases (Qwen2). */
  public boolean attentionBias() {
    return attentionBias;
  }

  /** Query width {@code heads * headDim}. */
  public int queryDim() {
    return heads * headDim;
  }

  /** Key/value width {@code kvHeads * headDim}. */
  public int kvDim() {
    return kvHeads * headDim;
  }

  /** The rotary inverse frequencies with scaling applied, see {@link RopeScaling#inverseFrequencies}. */
  public double[] ropeInverseFrequencies() {
    return ropeScaling.inverseFrequencies(headDim, ropeTheta);
  }

  /** Every tensor name the model must provide, in a stable order. */
  public List<String> requiredTensors() {
    List<String> names = new ArrayList<>();
    names.add(TensorNames.TOKEN_EMBEDDING);
    for (int i = 0; i < layers; i++) {
      names.add(TensorNames.attnNorm(i));
      names.add(TensorNames.attnQ(i));
      names.add(TensorNames.attnK(i));
      names.add(TensorNames.attnV(i));
      if (attentionBias) {
        names.add(TensorNames.attnQBias(i));
        names.add(TensorNames.attnKBias(i));
        names.add(TensorNames.attnVBias(i));
      }
      names.add(TensorNames.attnOutput(i));
      names.add(TensorNames.ffnNorm(i));
      names.add(TensorNames.ffnGate(i));
      names.add(TensorNames.ffnUp(i));
      names.add(TensorNames.ffnDown(i));
    }
    names.add(TensorNames.OUTPUT_NORM);
    if (!tiedEmbeddings) {
      names.add(TensorNames.OUTPUT);
    }
    return names;
  }

  /**
   * The shape (outermost first) the named tensor must have under this spec, or {@code null} for a name the spec
   * does not know.
   */
  public long @Nullable [] expectedShape(String name) {
    if (name.equals(TensorNames.TOKEN_EMBEDDING) || name.equals(TensorNames.OUTPUT)) {
      return new long[] {vocabSize, hiddenSize};
    }
    if (name.equals(TensorNames.OUTPUT_NORM)) {
      return new long[] {hiddenSize};
    }
    if (!name.startsWith("blk.")) {
      return null;
    }
    int dot = name.indexOf('.', 4);
    if (dot < 0) {
      return null;
    }
    String kind = name.substring(dot + 1);
    switch (kind) {
      case "attn_norm.weight":
      case "ffn_norm.weight":
        return new long[] {hiddenSize};
      case "attn_q.weight":
        return new long[] {queryDim(), hiddenSize};
      case "attn_k.weight":
      case "attn_v.weight":
        return new long[] {kvDim(), hiddenSize};
      case "attn_q.bias":
        return new long[] {queryDim()};
      case "attn_k.bias":
      case "attn_v.bias":
        return new long[] {kvDim()};
      case "attn_output.weight":
        return new long[] {hiddenSize, queryDim()};
      case "ffn_gate.weight":
      case "ffn_up.weight":
        return new long[] {intermediateSize, hiddenSize};
      case "ffn_down.weight":
        return new long[] {hiddenSize, intermediateSize};
      default:
        return null;
    }
  }

  /** The number of weights in the model (an untied LM head counted once, a tied one not at all). */
  public long parameterCount() {
    long total = 0;
    for (String n : requiredTensors()) {
      long[] s = expectedShape(n);
      long count = 1;
      for (long d : Objects.requireNonNull(s)) {
        count *= d;
      }
      total += count;
    }
    return total;
  }

  @Override
  public String toString() {
    return architecture
        + "{d=" + hiddenSize + ", d_ff=" + intermediateSize + ", layers=" + layers + ", heads=" + heads + "/" + kvHeads
        + ", headDim=" + headDim + ", vocab=" + vocabSize + ", ctx=" + contextLength + ", theta=" + ropeTheta
        + ", rope=" + ropeLayout + (ropeScaling.type() == RopeScaling.Type.NONE ? "" : "/" + ropeScaling.type())
        + (tiedEmbeddings ? ", tied" : "") + (attentionBias ? ", qkv-bias" : "") + "}";
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private @Nullable Architecture architecture;
    private int hiddenSize;
    private int intermediateSize;
    private int layers;
    private int heads;
    private int kvHeads;
    private int headDim;
    private int vocabSize;
    private int contextLength = 2048;
    private float rmsNormEps = 1e-5f;
    private double ropeTheta = 10000;
    private RopeLayout ropeLayout = RopeLayout.ROTATE_HALF;
    private RopeScaling ropeScaling = RopeScaling.NONE;
    private boolean tiedEmbeddings;
    private boolean attentionBias;

    private Builder() {}

    public Builder architecture(Architecture v) {
      architecture = v;
      return this;
    }

    public Builder hiddenSize(int v) {
      hiddenSize = v;
      return this;
    }

    public Builder intermediateSize(int v) {
      intermediateSize = v;
      return this;
    }

    public Builder layers(int v) {
      layers = v;
      return this;
    }

    public Builder heads(int v) {
      heads = v;
      return this;
    }

    /** Defaults to {@link #heads(int)} when left at 0. */
    public Builder kvHeads(int v) {
      kvHeads = v;
      return this;
    }

    /** Defaults to {@code hiddenSize / heads} when left at 0. */
    public Builder headDim(int v) {
      headDim = v;
      return this;
    }

    public Builder vocabSize(int v) {
      vocabSize = v;
      return this;
    }

    public Builder contextLength(int v) {
      contextLength = v;
      return this;
    }

    public Builder rmsNormEps(float v) {
      rmsNormEps = v;
      return this;
    }

    public Builder ropeTheta(double v) {
      ropeTheta = v;
      return this;
    }

    public Builder ropeLayout(RopeLayout v) {
      ropeLayout = v;
      return this;
    }

    public Builder ropeScaling(RopeScaling v) {
      ropeScaling = v;
      return this;
    }

    public Builder tiedEmbeddings(boolean v) {
      tiedEmbeddings = v;
      return this;
    }

    public Builder attentionBias(boolean v) {
      attentionBias = v;
      return this;
    }

    /**
     * Validates and builds; throws {@link IllegalArgumentException} naming every inconsistent or implausible value
     * (see the {@code MAX_...} limits). Nothing is allocated and no tensor name is built before the check.
     */
    public ModelSpec build() {
      return new ModelSpec(this);
    }
  }
}
