package org.mobiedit.api;

import org.jspecify.annotations.Nullable;

/**
 * Every knob of an edit. Immutable; build with {@link #builder()}. The defaults reproduce the configuration of the
 * MobiEdit paper (forward-only value search with q = 5 directions, ε = 1e-3, η₀ = 0.05 with cosine decay over 600
 * steps, early stopping checked every 20 steps, exact prefix cache, ROME's loss weights).
 */
public final class EditOptions {
  private final @Nullable Integer layer;
  /** The largest step budget accepted: the engine keeps one loss per step, and a budget beyond this is a typo. */
  public static final int MAX_STEPS = 1_000_000;
  /** The most random directions per step accepted (each costs two forward evaluations of every row). */
  public static final int MAX_DIRECTIONS = 1024;
  /** The most context templates accepted (each is a short generation and adds rows to every step). */
  public static final int MAX_CONTEXT_TEMPLATES = 1024;
  /** The most layers after the edit layer an edit may be spread over. */
  public static final int MAX_SPREAD_LAYERS = 64;
  /** The most texts the key statistics may be sampled from (each a generation of 64 tokens). */
  public static final int MAX_KEY_SAMPLE_TEXTS = 65_536;
  /** The most vocabulary tokens whose keys make the vocabulary statistics ({@link #getVocabularyKeyWeight()}). */
  public static final int MAX_VOCABULARY_KEYS = 8192;
  /** The most near words an update is kept off ({@link #getNearWords()}). */
  public static final int MAX_NEAR_WORDS = 256;

  private final int maxSteps;
  private final int directions;
  private final double epsilon;
  private final boolean relativeEpsilon;
  private final double learningRate;
  private final boolean earlyStopping;
  private final int earlyStopEvery;
  private final boolean checkWhenLikely;
  private final boolean protectEarlierEdits;
  private final boolean shrinkAfterSuccess;
  private final int spreadLayers;
  private final int keySampleTexts;
  private final boolean preparedKeyStatistics;
  private final double vocabularyKeyWeight;
  private final int nearWords;
  private final int sequentialNearWords;
  private final int sequentialLayers;
  private final int sequentialSpreadLayers;
  private final int sequentialDirections;
  private final double sequentialLearningRate;
  private final boolean prefixCache;
  private final boolean batchPerturbations;
  private final boolean keyCovariance;
  private final double covarianceRidge;
  private final double klWeight;
  private final double weightDecay;
  private final double clampFactor;
  private final int contextTemplates;
  private final long seed;
  private final Precision precision;
  private final boolean keepUnsuccessful;

  private EditOptions(Builder b) {
    this.keepUnsuccessful = b.keepUnsuccessful;
    this.layer = b.layer;
    this.maxSteps = b.maxSteps;
    this.directions = b.directions;
    this.epsilon = b.epsilon;
    this.relativeEpsilon = b.relativeEpsilon;
    this.learningRate = b.learningRate;
    this.earlyStopping = b.earlyStopping;
    this.earlyStopEvery = b.earlyStopEvery;
    this.checkWhenLikely = b.checkWhenLikely;
    this.protectEarlierEdits = b.protectEarlierEdits;
    this.shrinkAfterSuccess = b.shrinkAfterSuccess;
    this.spreadLayers = b.spreadLayers;
    this.keySampleTexts = b.keySampleTexts;
    this.preparedKeyStatistics = b.preparedKeyStatistics;
    this.vocabularyKeyWeight = b.vocabularyKeyWeight;
    this.nearWords = b.nearWords;
    this.sequentialNearWords = b.sequentialNearWords;
    this.sequentialLayers = b.sequentialLayers;
    this.sequentialSpreadLayers = b.sequentialSpreadLayers;
    this.sequentialDirections = b.sequentialDirections;
    this.sequentialLearningRate = b.sequentialLearningRate;
    this.prefixCache = b.prefixCache;
    this.batchPerturbations = b.batchPerturbations;
    this.keyCovariance = b.keyCovariance;
    this.covarianceRidge = b.covarianceRidge;
    this.klWeight = b.klWeight;
    this.weightDecay = b.weightDecay;
    this.clampFactor = b.clampFactor;
    this.contextTemplates = b.contextTemplates;
    this.seed = b.seed;
    this.precision = b.precision;
  }

  /**
   * The builder's starting point, which is the MobiEdit paper's configuration ({@link #paper()}). For the SDK's
   * default, what {@code MobiEdit.open(model)}, the command line and the demo use, take {@link #recommended()}.
   */
  public static EditOptions defaults() {
    return builder().build();
  }

  /**
   * The MobiEdit paper's configuration: 600 steps, η₀ = 0.05, an absolute ε = 10⁻³, {@code u = k̄/‖k̄‖}, a success check
   * every 20 steps. Kept as a named preset for comparisons; measured weaker on small models (bench/RESULTS.md).
   */
  public static EditOptions paper() {
    return builder().build();
  }

  /**
   * The SDK's default: the best configuration measured on edit cases drawn fresh from the demo world, settings chosen
   * on other cases (bench/RESULTS.md, "Default settings"): the paper's forward-only search with a relative
   * perturbation ({@code ε = |t₀|/√d}, which also works with int8 activations), η₀ = 2 over a 200-step cosine
   * schedule, the update direction {@code u = C⁻¹k̄} with a ridge of 0.01 (better locality, most of all for
   * subjects that share their object with others) and the vocabulary's keys counted at 0.3
   * ({@link #getVocabularyKeyWeight()}), kept off the keys of the 16 vocabulary words nearest the subject
   * ({@link #getNearWords()}), and a success check at every step whose own evaluations make
   * success likely (median 9 steps instead of 20), and each edit written so that it leaves the edits before it alone
   * ({@link #isProtectEarlierEdits()}), with no more of the correction than success needs
   * ({@link #isShrinkAfterSuccess()}), and once the editor holds edits, each new one at whichever of the edit layer and
   * the two after it it disturbs the model least ({@link #getSequentialLayers()}) and spread over that layer and the
   * two after it ({@link #getSequentialSpreadLayers()}), its search estimating the gradient from 40 directions a step
   * instead of 5 ({@link #getSequentialDirections()}) and stepping at η₀ = 0.5 ({@link #getSequentialLearningRate()}).
   * A single edit stays at one layer ({@link #getSpreadLayers()} is 0): spread, it measured a little less
   * generalization on fresh cases.
   */
  public static EditOptions recommended() {
    return builder().relativeEpsilon(true).epsilon(1).learningRate(2.0).maxSteps(200).keyCovariance(true)
        .covarianceRidge(0.01).vocabularyKeyWeight(0.3).nearWords(16).checkWhenLikely(true)
        .protectEarlierEdits(true).shrinkAfterSuccess(true).sequentialLayers(2).sequentialSpreadLayers(2)
        .sequentialDirections(40).sequentialLearningRate(0.5).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.layer = layer;
    b.maxSteps = maxSteps;
    b.directions = directions;
    b.epsilon = epsilon;
    b.relativeEpsilon = relativeEpsilon;
    b.learningRate = learningRate;
    b.earlyStopping = earlyStopping;
    b.earlyStopEvery = earlyStopEvery;
    b.checkWhenLikely = checkWhenLikely;
    b.protectEarlierEdits = protectEarlierEdits;
    b.shrinkAfterSuccess = shrinkAfterSuccess;
    b.spreadLayers = spreadLayers;
    b.keySampleTexts = keySampleTexts;
    b.preparedKeyStatistics = preparedKeyStatistics;
    b.vocabularyKeyWeight = vocabularyKeyWeight;
    b.nearWords = nearWords;
    b.sequentialNearWords = sequentialNearWords;
    b.sequentialLayers = sequentialLayers;
    b.sequentialSpreadLayers = sequentialSpreadLayers;
    b.sequentialDirections = sequentialDirections;
    b.sequentialLearningRate = sequentialLearningRate;
    b.prefixCache = prefixCache;
    b.batchPerturbations = batchPerturbations;
    b.keyCovariance = keyCovariance;
    b.covarianceRidge = covarianceRidge;
    b.klWeight = klWeight;
    b.weightDecay = weightDecay;
    b.clampFactor = clampFactor;
    b.contextTemplates = contextTemplates;
    b.seed = seed;
    b.precision = precision;
    b.keepUnsuccessful = keepUnsuccessful;
    return b;
  }

  /** The decoder layer whose {@code W_down} is rewritten; {@code null} means about 15-20% of the depth. */
  public @Nullable Integer getLayer() {
    return layer;
  }

  /** The step budget T of the cosine schedule (600 in the paper). */
  public int getMaxSteps() {
    return maxSteps;
  }

  /** Random directions per step, q (5 in the paper); each costs two forward evaluations. */
  public int getDirections() {
    return directions;
  }

  /** The finite-difference step ε (1e-3 in the paper). */
  public double getEpsilon() {
    return epsilon;
  }

  /**
   * Whether {@link #getEpsilon()} is relative: the perturbation step is then {@code ε · |t₀| / √d} (ε times the
   * root-mean-square coordinate of the value vector being edited) instead of an absolute {@code ε}. An absolute
   * 1e-3 (the paper's) is far below one rounding step of int8 activations, where the loss differences of the
   * estimator vanish; a relative step scales with the model's activations. Default: false (the paper's absolute ε).
   */
  public boolean isRelativeEpsilon() {
    return relativeEpsilon;
  }

  /** The initial learning rate η₀ (0.05 in the paper). */
  public double getLearningRate() {
    return learningRate;
  }

  /** Stop as soon as every target token is the argmax (checked every {@link #getEarlyStopEvery()} steps). */
  public boolean isEarlyStopping() {
    return earlyStopping;
  }

  public int getEarlyStopEvery() {
    return earlyStopEvery;
  }

  /**
   * Also check between the periodic checks, at any step whose own evaluations make success likely: every target token
   * above probability ½ in every rewrite row, on average over the step's perturbed points (the search already has
   * these numbers, so the signal is free; the check it triggers is one forward pass). Off in the paper's
   * configuration.
   */
  public boolean isCheckWhenLikely() {
    return checkWhenLikely;
  }

  /**
   * Write each edit so that the keys of the edits an editor already holds (at the same layer) do not move: the update
   * direction {@code u} is made orthogonal to them (in the metric of the key statistics when
   * {@link #isKeyCovariance()} is on), so the rank-one write leaves every earlier edit's output (almost) where it
   * was. An earlier edit of the same subject (a key almost parallel to the new one) is not protected: the new edit
   * builds on it. The earlier keys are weighed heavily rather than held exactly (docs/edit-engine.md, "Sequential
   * edits"): in a crowded key space, holding them all exactly leaves late edits only directions that reach many other
   * subjects. This is what lets hundreds of edits accumulate in one model (bench/RESULTS.md, "Sequential edits"). Off
   * in the paper's configuration.
   */
  public boolean isProtectEarlierEdits() {
    return protectEarlierEdits;
  }

  /**
   * Once a check passes, write the smallest fraction of the correction {@code δ} (tried from half of it up, in
   * tenths) that still passes the check and keeps every target token above probability ½ in every context template:
   * the search's last step tends to overshoot, and every unit of {@code δ} it does not need is a side effect on other
   * subjects (bench/RESULTS.md: same-object neighbours of non-person facts 80.0% → 85.3% on the tuning draw, and far
   * slower drift over sequential edits). At most five extra forward passes of the edit's rows; no extra step. Off in
   * the paper's configuration.
   */
  public boolean isShrinkAfterSuccess() {
    return shrinkAfterSuccess;
  }

  /**
   * How many layers after the edit layer share the correction: once the search has found {@code δ} at the edit layer,
   * the edit writes a share of it at that layer and at each of the next {@code n} layers (each with its own key and
   * direction, earlier edits protected there too; each layer's share inversely proportional to how much a unit of
   * {@code δ} written there disturbs the sampled keys), and keeps that split when every target token is then the answer
   * in every context template (otherwise the whole of {@code δ} at the edit layer, as with 0). A few forward passes,
   * no extra step; layers past the model's last are left out. 0 (one layer) in both presets: a single edit spread
   * lost a little generalization on fresh demo-world cases; {@link #recommended()} spreads edits in a sequence only
   * ({@link #getSequentialSpreadLayers()}).
   */
  public int getSpreadLayers() {
    return spreadLayers;
  }

  /**
   * How many texts (64 tokens each, sampled from the model with the seed) the key statistics of a layer are collected
   * from ({@link #isKeyCovariance()}): {@code 64 ×} this many keys estimate the second moment {@code C} behind the
   * update direction {@code u = C⁻¹k̄}. More texts estimate {@code C} better (on the demo world, 1,024 instead of 32
   * keep neutral perplexity within 8% after 80 sequential edits instead of 29%: bench/RESULTS.md) but cost a
   * generation of that many tokens per edited layer, once per editor (every edit under static activation
   * quantization). 32 (2,048 keys) in both presets. A model with prepared statistics
   * ({@link #isPreparedKeyStatistics()}) uses those instead.
   */
  public int getKeySampleTexts() {
    return keySampleTexts;
  }

  /**
   * Use the model's prepared key statistics when it has them ({@code key-statistics.bin} in a model folder, or
   * {@code <model file>.key-statistics.bin} beside a single-file model, made by {@code mobiedit prepare}) instead of
   * sampling {@link #getKeySampleTexts()} texts at the editor's first edit: their texts for every layer, and their
   * statistics for the layers they hold (under static activation quantization every edit captures the keys of their
   * first {@link #getKeySampleTexts()} texts again, as it would over texts it sampled). Prepared statistics describe the unedited model, so an editor that
   * loads a patch and edits on writes the same edits as one that made them all in one session. On by default; off,
   * the file is ignored. A damaged file, or one of another model, fails the edit with a message naming it.
   */
  public boolean isPreparedKeyStatistics() {
    return preparedKeyStatistics;
  }

  /**
   * How much the keys of the vocabulary's words count in the key statistics behind {@code u = M⁻¹k̄}
   * ({@link #isKeyCovariance()}), against the keys of the sample texts: {@code M = C + w·(tr C / tr V)·V}, where
   * {@code V} is the second moment of the key every vocabulary token has at the edit layer when it starts a text (all
   * tokens, or {@value #MAX_VOCABULARY_KEYS} of them evenly spaced in a larger vocabulary). Sampled text holds each
   * name a handful of times among tens of thousands of keys, so {@code C} alone barely keeps an update off the keys of
   * other subjects; {@code V} holds every word once. 0 leaves it out (the builder's default); 0.3 in
   * {@link #recommended()}: after 200 sequential demo-world edits the same-object neighbours kept go from 61.8% to
   * 75.0% (fresh draw) and from 56.4% to 81.6% (tuning draw); single edits of non-person facts lose some locality
   * (83.4% to 78.5%) (bench/RESULTS.md, "Vocabulary keys"). Prepared key statistics hold {@code V} too; without them
   * it is collected at the editor's first edit (one two-token pass per token), and under static activation
   * quantization again at every edit.
   */
  public double getVocabularyKeyWeight() {
    return vocabularyKeyWeight;
  }

  /**
   * How many of the vocabulary's words nearest the edited subject the update is kept off, softly: the tokens whose
   * keys at the edit layer (each right after the start of text) the update direction would reach most, the subject's
   * own excepted. A city's key holds its country and a product's its maker, so an update written for one city moves
   * the answers of the cities nearest it, which are the ones of the same country; keeping the update off their keys
   * keeps those answers. This is for an edit made while the editor holds no other edits; once it does,
   * {@link #getSequentialNearWords()} applies. 0 leaves it out (the builder's default); 16 in {@link #recommended()}
   * (on the demo world's tuning cases, same-object neighbours of non-person facts kept 96.6% instead of 79.9%, for 1.4
   * points of generalization: bench/RESULTS.md, "Near words"). Cost: at each key direction, one two-token pass per
   * vocabulary token (the tokens of {@link #getVocabularyKeyWeight()}'s statistics) and a solve per candidate word.
   */
  public int getNearWords() {
    return nearWords;
  }

  /**
   * {@link #getNearWords()} for an edit made while the editor holds other edits. 0 in {@link #recommended()} and the
   * builder: in a sequence, where each update is also kept off the earlier edits' keys, 16 near words made 200
   * sequential demo-world edits drift faster (bench/RESULTS.md, "Near words").
   */
  public int getSequentialNearWords() {
    return sequentialNearWords;
  }

  /**
   * {@link #getDirections()} for an edit made while the editor holds other edits; 0 (the builder's default) keeps
   * {@link #getDirections()}. 40 in {@link #recommended()}: a forward-only estimate from few directions is mostly
   * noise, and the search's steps add that noise into the correction it writes, which a sequence's later edits and
   * its neighbours pay for. On 200 sequential demo-world edits, 40 after the first kept 97.5% / 96.5% of the edits
   * (fresh / tuning draws) instead of 92.5% / 89.5%, 82.9% / 89.5% of the same-object neighbours instead of 79.1% /
   * 81.3%, and the neutral perplexity at ×1.067 / ×1.073 of the unedited model's instead of ×1.128 / ×1.248
   * (bench/RESULTS.md, "Directions per step in a sequence"), at about twice the time per edit: each step evaluates
   * every row at {@code 2q} points, and the search stops after fewer steps.
   */
  public int getSequentialDirections() {
    return sequentialDirections;
  }

  /**
   * {@link #getLearningRate()} for an edit made while the editor holds other edits; 0 (the builder's default) keeps
   * {@link #getLearningRate()}. 0.5 in {@link #recommended()}, a quarter of the first edit's 2: the estimate is a sum
   * over the directions ({@link #getSequentialDirections()}), so with 40 of them a step at η₀ = 2 goes eight times as
   * far as the first edit's, and the search reaches success after so few directions in all that more of their noise
   * is left in the correction. On 200 sequential demo-world edits, 92.9% / 93.9% of the same-object neighbours kept
   * their answers (fresh / tuning draws) instead of 82.9% / 89.5% at 2, with 96.5% / 95.0% of the edits holding and
   * the neutral perplexity at ×1.068 / ×1.072 (bench/RESULTS.md, "A smaller step in a sequence").
   */
  public double getSequentialLearningRate() {
    return sequentialLearningRate;
  }

  /**
   * While the editor holds other edits, write each new edit at whichever of the edit layer and the {@code n} layers
   * after it a unit of correction disturbs the sampled keys least ({@code E[(u·k)²]/(k_p·u)²}: where the subject's
   * key stands out from the keys the model sees), the later layers counted three times worse because edits there
   * generalize less. The first edit of an editor, and every edit with 0, goes to {@link #getLayer()}. In a sequence,
   * the few edits whose key hardly stands out at the edit layer otherwise take updates ten to a hundred times the
   * usual size there, each leaving the model worse for the next: after 100 fresh sequential demo-world edits, 66% still
   * hold, 60% of same-object neighbours are kept and neutral perplexity is ×1.22, against 54%, 23% and ×1.65 at one
   * layer (bench/RESULTS.md, "Choosing each edit's layer"). Costs a key capture per candidate layer. 2 in
   * {@link #recommended()}, 0 in the paper's configuration.
   */
  public int getSequentialLayers() {
    return sequentialLayers;
  }

  /**
   * While the editor holds other edits, spread each new edit's correction over its layer and the {@code n} after it
   * as {@link #getSpreadLayers()} does (the larger of the two applies); the first edit of an editor stays at one
   * layer. Spreading crowds each layer's key space less, which matters only once edits accumulate: after 200 fresh
   * sequential demo-world edits, 86.5% still hold against 73.5% at one layer (91.5% with 1,024 key texts), while a
   * single edit spread over layers loses a little generalization (94.7% against 95.0%; bench/RESULTS.md, "A subject's
   * own key, spreading edits in a sequence, and capacity"). Costs a
   * key capture per extra layer and one batched check per edit, no step. 2 in {@link #recommended()}, 0 in the
   * paper's configuration.
   */
  public int getSequentialSpreadLayers() {
    return sequentialSpreadLayers;
  }

  /** Reuse every activation the edit cannot change (exact). */
  public boolean isPrefixCache() {
    return prefixCache;
  }

  /**
   * Whether the 2q points of a step go to the backend as one batched call (default) or one call each. The losses
   * are identical; the switch exists to measure what batching buys.
   */
  public boolean isBatchPerturbations() {
    return batchPerturbations;
  }

  /**
   * Whether the update direction is ROME's {@code u = C⁻¹k̄} with {@code C} the second moment of the layer's keys
   * over the model's own sample text (collected once per layer and editor), instead of the paper's reference
   * {@code u = k̄/|k̄|} ({@code C = I}). It spreads the write away from the directions other facts use, for
   * better locality. Default: false (the paper's).
   */
  public boolean isKeyCovariance() {
    return keyCovariance;
  }

  /** Ridge added to {@code C}, relative to its mean diagonal, when {@link #isKeyCovariance()}. Default 0.1. */
  public double getCovarianceRidge() {
    return covarianceRidge;
  }

  /** Weight of the KL term on the essence row (0.0625 in ROME). */
  public double getKlWeight() {
    return klWeight;
  }

  /** Weight of the |δ| / |t₀|² term (1e-3 in ROME). */
  public double getWeightDecay() {
    return weightDecay;
  }

  /** δ is clamped to {@code clampFactor · |t₀|} after every step (4 in ROME). */
  public double getClampFactor() {
    return clampFactor;
  }

  /** Context prefixes added to the plain prompt (5 in the paper). */
  public int getContextTemplates() {
    return contextTemplates;
  }

  /** Seed for every random choice of the edit; the same seed gives the same edit. */
  public long getSeed() {
    return seed;
  }

  /** The precision the model runs in while editing. */
  public Precision getPrecision() {
    return precision;
  }

  /**
   * Whether an edit that did not succeed within the step budget is still written (ROME always writes). Default
   * false: an unsuccessful edit leaves the model unchanged.
   */
  public boolean isKeepUnsuccessful() {
    return keepUnsuccessful;
  }

  /** Builder with the paper's defaults. */
  public static final class Builder {
    private @Nullable Integer layer;
    private int maxSteps = 600;
    private int directions = 5;
    private double epsilon = 1e-3;
    private boolean relativeEpsilon;
    private double learningRate = 0.05;
    private boolean earlyStopping = true;
    private int earlyStopEvery = 20;
    private boolean checkWhenLikely;
    private boolean protectEarlierEdits;
    private boolean shrinkAfterSuccess;
    private int spreadLayers;
    private int keySampleTexts = 32;
    private boolean preparedKeyStatistics = true;
    private double vocabularyKeyWeight;
    private int nearWords;
    private int sequentialNearWords;
    private int sequentialLayers;
    private int sequentialSpreadLayers;
    private int sequentialDirections;
    private double sequentialLearningRate;
    private boolean prefixCache = true;
    private boolean batchPerturbations = true;
    private boolean keyCovariance;
    private double covarianceRidge = 0.1;
    private double klWeight = 0.0625;
    private double weightDecay = 1e-3;
    private double clampFactor = 4;
    private int contextTemplates = 5;
    private long seed = 42;
    private Precision precision = Precision.FP32;
    private boolean keepUnsuccessful;

    private Builder() {}

    public Builder keepUnsuccessful(boolean v) {
      keepUnsuccessful = v;
      return this;
    }

    public Builder layer(@Nullable Integer v) {
      layer = v;
      return this;
    }

    public Builder maxSteps(int v) {
      maxSteps = v;
      return this;
    }

    public Builder directions(int v) {
      directions = v;
      return this;
    }

    public Builder epsilon(double v) {
      epsilon = v;
      return this;
    }

    /** See {@link EditOptions#isRelativeEpsilon()}. */
    public Builder relativeEpsilon(boolean v) {
      relativeEpsilon = v;
      return this;
    }

    /** See {@link EditOptions#isBatchPerturbations()}. */
    public Builder batchPerturbations(boolean v) {
      batchPerturbations = v;
      return this;
    }

    /** See {@link EditOptions#isKeyCovariance()}. */
    public Builder keyCovariance(boolean v) {
      keyCovariance = v;
      return this;
    }

    /** See {@link EditOptions#getCovarianceRidge()}. */
    public Builder covarianceRidge(double v) {
      covarianceRidge = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder earlyStopping(boolean v) {
      earlyStopping = v;
      return this;
    }

    public Builder earlyStopEvery(int v) {
      earlyStopEvery = v;
      return this;
    }

    /** See {@link EditOptions#isCheckWhenLikely()}. */
    public Builder checkWhenLikely(boolean v) {
      checkWhenLikely = v;
      return this;
    }

    /** See {@link EditOptions#isProtectEarlierEdits()}. */
    public Builder protectEarlierEdits(boolean v) {
      protectEarlierEdits = v;
      return this;
    }

    /** See {@link EditOptions#isShrinkAfterSuccess()}. */
    public Builder shrinkAfterSuccess(boolean v) {
      shrinkAfterSuccess = v;
      return this;
    }

    /** See {@link EditOptions#getSpreadLayers()}: 0 (the edit layer alone) to {@value EditOptions#MAX_SPREAD_LAYERS}. */
    public Builder spreadLayers(int v) {
      spreadLayers = v;
      return this;
    }

    /** See {@link EditOptions#isPreparedKeyStatistics()}. */
    public Builder preparedKeyStatistics(boolean v) {
      preparedKeyStatistics = v;
      return this;
    }

    /** See {@link EditOptions#getVocabularyKeyWeight()}: a finite number from 0 to 100. */
    public Builder vocabularyKeyWeight(double v) {
      vocabularyKeyWeight = v;
      return this;
    }

    /** See {@link EditOptions#getNearWords()}: 0 to {@value EditOptions#MAX_NEAR_WORDS}. */
    public Builder nearWords(int n) {
      nearWords = n;
      return this;
    }

    /** See {@link EditOptions#getSequentialNearWords()}: 0 to {@value EditOptions#MAX_NEAR_WORDS}. */
    public Builder sequentialNearWords(int n) {
      sequentialNearWords = n;
      return this;
    }

    /** See {@link EditOptions#getKeySampleTexts()}: 1 to {@value EditOptions#MAX_KEY_SAMPLE_TEXTS}. */
    public Builder keySampleTexts(int v) {
      keySampleTexts = v;
      return this;
    }

    /** See {@link EditOptions#getSequentialLayers()}: 0 to {@value EditOptions#MAX_SPREAD_LAYERS}. */
    public Builder sequentialLayers(int v) {
      sequentialLayers = v;
      return this;
    }

    /** See {@link EditOptions#getSequentialDirections()}: 0 to {@value EditOptions#MAX_DIRECTIONS}. */
    public Builder sequentialDirections(int q) {
      sequentialDirections = q;
      return this;
    }

    /** See {@link EditOptions#getSequentialLearningRate()}: 0, or a finite number above 0. */
    public Builder sequentialLearningRate(double eta) {
      sequentialLearningRate = eta;
      return this;
    }

    /** See {@link EditOptions#getSequentialSpreadLayers()}: 0 to {@value EditOptions#MAX_SPREAD_LAYERS}. */
    public Builder sequentialSpreadLayers(int v) {
      sequentialSpreadLayers = v;
      return this;
    }

    public Builder prefixCache(boolean v) {
      prefixCache = v;
      return this;
    }

    public Builder klWeight(double v) {
      klWeight = v;
      return this;
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    public Builder clampFactor(double v) {
      clampFactor = v;
      return this;
    }

    public Builder contextTemplates(int v) {
      contextTemplates = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder precision(Precision v) {
      precision = v;
      return this;
    }

    /** @throws MobiEditException {@code INVALID_REQUEST} naming the first out-of-range value */
    public EditOptions build() {
      check(layer == null || layer >= 0, "layer must be >= 0, got " + layer);
      check(maxSteps >= 1 && maxSteps <= MAX_STEPS,
          "max steps must be from 1 to " + MAX_STEPS + ", got " + maxSteps);
      check(directions >= 1 && directions <= MAX_DIRECTIONS,
          "directions must be from 1 to " + MAX_DIRECTIONS + ", got " + directions);
      check(epsilon > 0 && Double.isFinite(epsilon), "epsilon must be a finite number > 0, got " + epsilon);
      check(covarianceRidge > 0 && Double.isFinite(covarianceRidge),
          "covarianceRidge must be a finite number > 0, got " + covarianceRidge);
      check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got " + learningRate);
      check(spreadLayers >= 0 && spreadLayers <= MAX_SPREAD_LAYERS,
          "spread layers must be from 0 to " + MAX_SPREAD_LAYERS + ", got " + spreadLayers);
      check(keySampleTexts >= 1 && keySampleTexts <= MAX_KEY_SAMPLE_TEXTS,
          "key sample texts must be from 1 to " + MAX_KEY_SAMPLE_TEXTS + ", got " + keySampleTexts);
      check(vocabularyKeyWeight >= 0 && vocabularyKeyWeight <= 100,
          "vocabulary key weight must be from 0 to 100, got " + vocabularyKeyWeight);
      check(nearWords >= 0 && nearWords <= MAX_NEAR_WORDS,
          "near words must be from 0 to " + MAX_NEAR_WORDS + ", got " + nearWords);
      check(sequentialNearWords >= 0 && sequentialNearWords <= MAX_NEAR_WORDS,
          "sequential near words must be from 0 to " + MAX_NEAR_WORDS + ", got " + sequentialNearWords);
      check(sequentialLayers >= 0 && sequentialLayers <= MAX_SPREAD_LAYERS,
          "sequential layers must be from 0 to " + MAX_SPREAD_LAYERS + ", got " + sequentialLayers);
      check(sequentialDirections >= 0 && sequentialDirections <= MAX_DIRECTIONS,
          "sequential directions must be from 0 to " + MAX_DIRECTIONS + ", got " + sequentialDirections);
      check(sequentialLearningRate >= 0 && Double.isFinite(sequentialLearningRate),
          "sequential learning rate must be 0 or a finite number > 0, got " + sequentialLearningRate);
      check(sequentialSpreadLayers >= 0 && sequentialSpreadLayers <= MAX_SPREAD_LAYERS,
          "sequential spread layers must be from 0 to " + MAX_SPREAD_LAYERS + ", got " + sequentialSpreadLayers);
      check(earlyStopEvery >= 1, "early-stop interval must be >= 1, got " + earlyStopEvery);
      check(klWeight >= 0 && Double.isFinite(klWeight), "KL weight must be >= 0, got " + klWeight);
      check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be >= 0, got " + weightDecay);
      check(clampFactor > 0 && Double.isFinite(clampFactor), "clamp factor must be > 0, got " + clampFactor);
      check(contextTemplates >= 0 && contextTemplates <= MAX_CONTEXT_TEMPLATES,
          "context templates must be from 0 to " + MAX_CONTEXT_TEMPLATES + ", got " + contextTemplates);
      return new EditOptions(this);
    }

    private static void check(boolean ok, String msg) {
      if (!ok) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "Invalid edit options: " + msg);
      }
    }
  }
}
