package org.mobiedit.cli;

import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Precision;
import picocli.CommandLine.Option;

/** The value-search knobs shared by the commands that edit ({@code edit}, {@code ablation}). */
final class SearchOptions {
  @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
      description = "fp32, int8 (int8 weights), int8-a8 or int8-a16 (int8 weights and static int8/int16 activations"
          + " calibrated on the edit's tokens, as an NPU runs), int8-dynamic (int8 weights, activations rounded to int8 per"
          + " token as they run; XNNPACK's fast integer kernels on backend-litert), int4 (4-bit weights; a Q4_0/Q4_K"
          + " file's exactly, on backend-cpu). Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "600", description = "Step budget. Default: 600.")
  int steps;

  @Option(names = "--lr", paramLabel = "ETA", defaultValue = "0.05",
      description = "Initial learning rate (the paper's 0.05 suits 3B models; tiny models want about 0.5).")
  double learningRate;

  @Option(names = "--epsilon", paramLabel = "E", defaultValue = "1e-3",
      description = "Perturbation size of the forward-only estimate. Default: ${DEFAULT-VALUE}.")
  double epsilon;

  @Option(names = "--relative-epsilon",
      description = "Scale --epsilon by |t0|/sqrt(d), the size of the edited value vector's coordinates"
          + " (needed with int8 activations, where an absolute 1e-3 is below one rounding step).")
  boolean relativeEpsilon;

  @Option(names = "--key-covariance",
      description = "Update direction u = C^-1 k (C: second moment of the layer's keys over the model's own samples)"
          + " instead of the paper's u = k/|k|: better locality.")
  boolean keyCovariance;

  @Option(names = "--directions", paramLabel = "Q", defaultValue = "5",
      description = "Random directions per step (2Q perturbed forwards). Default: ${DEFAULT-VALUE}.")
  int directions;

  @Option(names = "--layer", paramLabel = "L", description = "Edited layer (default: about 17%% of the depth).")
  Integer layer;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  /** Checks every value (before a model is loaded) and returns the edit options they make. */
  EditOptions.Builder check(OptionCheck check) {
    Precision p = check.precision("--precision", precision);
    check.range("--steps", steps, 1, OptionCheck.MAX_STEPS, "");
    check.positive("--lr", learningRate);
    check.positive("--epsilon", epsilon);
    check.range("--directions", directions, 1, OptionCheck.MAX_DIRECTIONS, "");
    if (layer != null) {
      check.range("--layer", layer, 0, Integer.MAX_VALUE, "");
    }
    return EditOptions.builder().precision(p).maxSteps(steps).learningRate(learningRate).epsilon(epsilon)
        .relativeEpsilon(relativeEpsilon).keyCovariance(keyCovariance).directions(directions).layer(layer).seed(seed);
  }
}
