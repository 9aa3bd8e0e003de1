package org.mobiedit.backend.litert.accelerator;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.AcceleratorPreference;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.placement.HardwareSelection;

/**
 * Chooses the accelerator for a model from the user's setting, the precision and what the device offers, by the
 * rule every graph backend shares ({@link HardwareSelection}): {@code auto} (the default) takes the first of NPU, GPU,
 * CPU that runs the precision faithfully and is available; {@code npu}, {@code gpu} or {@code cpu} takes that one or
 * fails with the reason.
 *
 * <p>Setting: {@code -Dmobiedit.litert.accelerator=auto|npu|gpu|cpu} or {@code MOBIEDIT_LITERT_ACCELERATOR}.
 */
public final class AcceleratorSelection {
  public static final String PROPERTY = "mobiedit.litert.accelerator";
  public static final String ENVIRONMENT = "MOBIEDIT_LITERT_ACCELERATOR";

  private static final HardwareSelection<Accelerator> RULE =
      new HardwareSelection<>("LiteRT accelerator", PROPERTY, ENVIRONMENT, List.of(Accelerator.values()));

  private AcceleratorSelection() {}

  /** The setting from the system property, else the environment variable, else {@code auto}; null means auto. */
  public static @Nullable Accelerator settingFromEnvironment() {
    return RULE.settingFromEnvironment();
  }

  /** The property or environment variable when set, else the app's typed preference; null means auto. */
  public static @Nullable Accelerator setting(AcceleratorPreference configured) {
    return RULE.setting(configured);
  }

  /** {@code auto}, blank or null give null (choose automatically); {@code npu}, {@code gpu}, {@code cpu} name one. */
  public static @Nullable Accelerator parse(@Nullable String setting) {
    return RULE.parse(setting);
  }

  /** See {@link HardwareSelection#select}. */
  public static HardwareSelection.Choice<Accelerator> select(@Nullable Accelerator wanted, Precision precision,
      AcceleratorProbe probe) {
    return RULE.select(wanted, precision, probe);
  }
}
