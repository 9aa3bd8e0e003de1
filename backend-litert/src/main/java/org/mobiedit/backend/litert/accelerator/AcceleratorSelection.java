package org.mobiedit.backend.litert.accelerator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;

/**
 * Chooses the accelerator for a model from the user's setting, the precision and what the device offers.
 *
 * <ul>
 *   <li>{@code auto} (the default) takes the first of NPU, GPU, CPU that runs the precision faithfully and is
 *       available, and records why each one before it was skipped.
 *   <li>{@code npu}, {@code gpu} or {@code cpu} takes that one or fails with the reason; it never silently runs
 *       somewhere else, because the user asked for that hardware.
 * </ul>
 *
 * <p>Setting: {@code -Dmobiedit.litert.accelerator=auto|npu|gpu|cpu} or {@code MOBIEDIT_LITERT_ACCELERATOR}.
 */
public final class AcceleratorSelection {
  public static final String PROPERTY = "mobiedit.litert.accelerator";
  public static final String ENVIRONMENT = "MOBIEDIT_LITERT_ACCELERATOR";

  /** The outcome: the accelerator, and for {@code auto} why each one tried before it was skipped. */
  public record Choice(Accelerator accelerator, List<String> skipped) {
    public Choice {
      skipped = List.copyOf(skipped);
    }

    @Override
    public String toString() {
      return accelerator.id() + (skipped.isEmpty() ? "" : " (skipped: " + String.join("; ", skipped) + ")");
    }
  }

  private AcceleratorSelection() {}

  /** The setting from the system property, else the environment variable, else {@code auto}; null means auto. */
  public static @Nullable Accelerator settingFromEnvironment() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      v = System.getenv(ENVIRONMENT);
    }
    return parse(v);
  }

  /** {@code auto}, blank or null give null (choose automatically); {@code npu}, {@code gpu}, {@code cpu} name one. */
  public static @Nullable Accelerator parse(@Nullable String setting) {
    if (setting == null || setting.isBlank() || setting.trim().equalsIgnoreCase("auto")) {
      return null;
    }
    for (Accelerator a : Accelerator.values()) {
      if (a.id().equals(setting.trim().toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "Unknown LiteRT accelerator '" + setting
        + "' in " + PROPERTY + " / " + ENVIRONMENT + ": use auto, npu, gpu or cpu.");
  }

  /**
   * The accelerator for {@code precision}: {@code wanted} when it can run it here, otherwise a
   * {@code BACKEND_UNAVAILABLE} error naming the reason; with {@code wanted} null, the first that can.
   */
  public static Choice select(@Nullable Accelerator wanted, Precision precision, AcceleratorProbe probe) {
    if (wanted != null) {
      String problem = problem(wanted, precision, probe);
      if (problem != null) {
        throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE, "The LiteRT accelerator '"
            + wanted.id() + "' was requested (" + PROPERTY + ") but cannot run " + precision.getId() + " here: "
            + problem + ". Set it to auto to let the backend choose.");
      }
      return new Choice(wanted, List.of());
    }
    List<String> skipped = new ArrayList<>();
    for (Accelerator a : Accelerator.values()) {
      String problem = problem(a, precision, probe);
      if (problem == null) {
        return new Choice(a, skipped);
      }
      skipped.add(a.id() + ": " + problem);
    }
    throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE,
        "No LiteRT accelerator can run " + precision.getId() + " here: " + String.join("; ", skipped) + ".");
  }

  private static @Nullable String problem(Accelerator a, Precision precision, AcceleratorProbe probe) {
    String refused = a.refuses(precision);
    return refused != null ? refused : probe.unavailable(a);
  }
}
