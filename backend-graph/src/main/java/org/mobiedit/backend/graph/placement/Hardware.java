package org.mobiedit.backend.graph.placement;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Precision;

/** Hardware a graph backend can run its graphs on (an accelerator, an execution provider), named in its setting. */
public interface Hardware {
  /** The constant's name ({@link Enum#name()}: hardware is an enum). */
  String name();

  /** The setting's spelling: the name in lower case ({@code npu}, {@code gpu}, {@code cpu}). */
  default String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Null when this hardware runs {@code precision} faithfully; otherwise why not and what to choose instead. */
  @Nullable String refuses(Precision precision);

  /**
   * The refusal of hardware that runs only integer graphs with static activation scales (an NPU), or null for the
   * precisions it runs (int8-a8, int8-a16). {@code subject} starts the sentence: "NPUs run", "the HTP compiles".
   */
  static @Nullable String unlessStaticIntegers(String subject, Precision precision) {
    if (precision.quantizesActivations()) {
      return null;
    }
    return precision.quantizesActivationsDynamically()
        ? subject + " integer graphs with static activation scales; " + precision.getId() + " sets them per token"
            + " while it runs (choose int8-a8 or int8-a16)"
        : subject + " integer graphs; " + precision.getId() + " keeps float activations (choose int8-a8 or"
            + " int8-a16)";
  }
}
