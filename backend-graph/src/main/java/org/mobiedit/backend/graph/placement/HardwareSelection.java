package org.mobiedit.backend.graph.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.AcceleratorPreference;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.BackendSetting;

/**
 * How a graph backend chooses its hardware for a model, from the user's setting, the precision and what the device
 * offers. One rule for every graph backend:
 *
 * <ul>
 *   <li>{@code auto} (the default) takes the first hardware, in the backend's order, that runs the precision
 *       faithfully and is available, and records why each one before it was skipped.
 *   <li>a named one is taken or refused with the reason; it never silently runs somewhere else, because the user
 *       asked for that hardware.
 * </ul>
 *
 * @param <H> the backend's hardware
 */
public final class HardwareSelection<H extends Hardware> {
  /** The outcome: the hardware, and for {@code auto} why each one tried before it was skipped. */
  public record Choice<H extends Hardware>(H chosen, List<String> skipped) {
    public Choice {
      skipped = List.copyOf(skipped);
    }

    @Override
    public String toString() {
      return chosen.id() + (skipped.isEmpty() ? "" : " (skipped: " + String.join("; ", skipped) + ")");
    }
  }

  private final String what;
  private final String property;
  private final String environment;
  private final List<H> order;

  /**
   * @param what the hardware's name in messages ("LiteRT accelerator")
   * @param property the system property of the setting
   * @param environment the environment variable of the setting (read when the property is not set)
   * @param order the hardware in the order {@code auto} tries it
   */
  public HardwareSelection(String what, String property, String environment, List<H> order) {
    this.what = what;
    this.property = property;
    this.environment = environment;
    this.order = List.copyOf(order);
  }

  /**
   * The setting: the system property, else the environment variable (overrides, for tests and benchmarks), else what
   * the app configured ({@link org.mobiedit.spi.BackendConfig#accelerator()}); null means auto.
   */
  public @Nullable H setting(AcceleratorPreference configured) {
    String overriding = environmentSetting();
    return parse(overriding != null ? overriding : configured.id());
  }

  /** The setting from the system property, else the environment variable; null means auto. */
  public @Nullable H settingFromEnvironment() {
    return parse(environmentSetting());
  }

  /** The system property, else the environment variable ({@code auto} included); null when neither is set. */
  private @Nullable String environmentSetting() {
    return BackendSetting.read(property, environment);
  }

  /** {@code auto}, blank or null give null (choose automatically); an id names one. */
  public @Nullable H parse(@Nullable String setting) {
    if (setting == null || setting.trim().isEmpty() || setting.trim().equalsIgnoreCase("auto")) {
      return null;
    }
    for (H h : order) {
      if (h.id().equals(setting.trim().toLowerCase(Locale.ROOT))) {
        return h;
      }
    }
    List<String> ids = order.stream().map(Hardware::id).collect(Collectors.toList());
    String choices = "auto, " + String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.get(ids.size() - 1);
    throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "Unknown " + what + " '" + setting
        + "' in " + property + " / " + environment + ": use " + choices + ".");
  }

  /**
   * The hardware for {@code precision}: {@code wanted} when it can run it here, otherwise a
   * {@code BACKEND_UNAVAILABLE} error naming the reason; with {@code wanted} null, the first that can.
   */
  public Choice<H> select(@Nullable H wanted, Precision precision, HardwareProbe<? super H> probe) {
    if (wanted != null) {
      String problem = problem(wanted, precision, probe);
      if (problem != null) {
        throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE, "The " + what + " '"
            + wanted.id() + "' was requested (" + property + ") but cannot run " + precision.getId() + " here: "
            + problem + ". Set it to auto to let the backend choose.");
      }
      return new Choice<>(wanted, List.of());
    }
    List<String> skipped = new ArrayList<>();
    for (H h : order) {
      String problem = problem(h, precision, probe);
      if (problem == null) {
        return new Choice<>(h, skipped);
      }
      skipped.add(h.id() + ": " + problem);
    }
    throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE,
        "No " + what + " can run " + precision.getId() + " here: " + String.join("; ", skipped) + ".");
  }

  private @Nullable String problem(H h, Precision precision, HardwareProbe<? super H> probe) {
    String refused = h.refuses(precision);
    return refused != null ? refused : probe.unavailable(h);
  }
}
