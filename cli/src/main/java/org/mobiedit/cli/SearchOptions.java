package org.mobiedit.cli;

import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Precision;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The value-search knobs shared by the commands that edit ({@code edit}, {@code ablation}). */
final class SearchOptions {
  @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
      description = "fp32, int8 (int8 weights), int8-a8 or int8-a16 (int8 weights and static int8/int16 activations"
          + " calibrated on the edit's tokens, as an NPU runs), int8-dynamic (int8 weights, activations rounded to int8 per"
          + " token as they run; XNNPACK's fast integer kernels on backend-litert), int4 (4-bit weights; a Q4_0/Q4_K"
          + " file's exactly, on backend-cpu). Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(names = "--preset", paramLabel = "NAME", defaultValue = "default",
      description = {"default (the SDK's settings, EditOptions.recommended(): the best measured, bench/RESULTS.md)",
          "or paper (the MobiEdit paper's: 600 steps, lr 0.05, absolute epsilon 1e-3). The options below override",
          "it. Default: ${DEFAULT-VALUE}."})
  String preset;

  @Option(names = "--steps", paramLabel = "N", description = "Step budget (default 200; paper 600).")
  Integer steps;

  @Option(names = "--lr", paramLabel = "ETA", description = "Initial learning rate (default 2.0; paper 0.05).")
  Double learningRate;

  @Option(names = "--epsilon", paramLabel = "E",
      description = "Perturbation size of the forward-only estimate (default 1, relative; paper 1e-3, absolute).")
  Double epsilon;

  @Option(names = "--relative-epsilon", negatable = true,
      description = "Scale --epsilon by |t0|/sqrt(d), the size of the edited value vector's coordinates"
          + " (needed with int8 activations, where an absolute 1e-3 is below one rounding step; on by default).")
  Boolean relativeEpsilon;

  @Option(names = "--key-covariance", negatable = true,
      description = "Update direction u = C^-1 k (C: second moment of the layer's keys over the model's own samples)"
          + " instead of the paper's u = k/|k|: better locality (on by default).")
  Boolean keyCovariance;

  @Option(names = "--check-when-likely", negatable = true,
      description = "Also check for success at any step whose own evaluations make it likely, not only every 20"
          + " steps (on by default).")
  Boolean checkWhenLikely;

  @Option(names = "--protect-earlier-edits", negatable = true,
      description = "Write the edit so that the keys of edits already applied (--edits FILE) do not move (on by"
          + " default).")
  Boolean protectEarlierEdits;

  @Option(names = "--shrink-after-success", negatable = true,
      description = "Write only as much of a passing correction as success needs (on by default).")
  Boolean shrinkAfterSuccess;

  @Mixin LayerOptions layers;

  @Option(names = "--directions", paramLabel = "Q", description = "Random directions per step (2Q perturbed"
      + " forwards). Default: 5.")
  Integer directions;

  @Option(names = "--layer", paramLabel = "L", description = "Edited layer (default: about 17%% of the depth).")
  Integer layer;

  @Option(names = "--seed", paramLabel = "N", description = "Seed. Default: 42.")
  Long seed;

  /** Checks every value (before a model is loaded) and returns the edit options they make. */
  EditOptions.Builder check(OptionCheck check) {
    Precision p = check.precision("--precision", precision);
    EditOptions.Builder b = check.oneOf("--preset", preset, java.util.List.of("default", "paper")).equals("paper")
        ? EditOptions.paper().toBuilder() : EditOptions.recommended().toBuilder();
    if (steps != null) {
      check.range("--steps", steps, 1, OptionCheck.MAX_STEPS, "");
      b.maxSteps(steps);
    }
    if (learningRate != null) {
      check.positive("--lr", learningRate);
      b.learningRate(learningRate);
    }
    if (epsilon != null) {
      check.positive("--epsilon", epsilon);
      b.epsilon(epsilon);
    }
    if (directions != null) {
      check.range("--directions", directions, 1, OptionCheck.MAX_DIRECTIONS, "");
      b.directions(directions);
    }
    if (layer != null) {
      check.range("--layer", layer, 0, Integer.MAX_VALUE, "");
      b.layer(layer);
    }
    if (relativeEpsilon != null) {
      b.relativeEpsilon(relativeEpsilon);
    }
    if (keyCovariance != null) {
      b.keyCovariance(keyCovariance);
    }
    if (checkWhenLikely != null) {
      b.checkWhenLikely(checkWhenLikely);
    }
    if (protectEarlierEdits != null) {
      b.protectEarlierEdits(protectEarlierEdits);
    }
    if (shrinkAfterSuccess != null) {
      b.shrinkAfterSuccess(shrinkAfterSuccess);
    }
    layers.applyTo(b);
    if (seed != null) {
      b.seed(seed);
    }
    return b.precision(p);
  }
}
