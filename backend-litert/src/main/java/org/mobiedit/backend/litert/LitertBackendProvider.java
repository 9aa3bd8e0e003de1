package org.mobiedit.backend.litert;

import java.util.List;
import java.util.function.Supplier;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.accelerator.AcceleratorSelection;
import org.mobiedit.backend.litert.runtime.RuntimeBinding;
import org.mobiedit.backend.litert.runtime.RuntimeBindings;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;

/**
 * The LiteRT backend's entry point. Construction is cheap; {@link #support()} finds the runtime binding that loads
 * here ({@link RuntimeBindings}: Google's TensorFlow Lite for Android in an app that holds it, else the interpreter
 * through JavaCPP) and reports why none does.
 *
 * <p>Priority: where the binding reaches a GPU or an NPU that runs the precision faithfully (a phone with TensorFlow
 * Lite for Android), 20, above backend-cpu, so an app's models run there by default. Otherwise -10, below the CPU
 * backend, so it is used when named ({@code MOBIEDIT_BACKEND=litert}): on the CPU it passes the compatibility kit in
 * every precision and its edit steps are faster than backend-cpu's here, but without a KV-cache graph its generation is
 * much slower and at the 0.5B shape it needs several times the memory (bench/RESULTS.md). For int8-dynamic, 10
 * ({@link #priority(Precision)}).
 *
 * <p>The accelerator is chosen per model from {@code -Dmobiedit.litert.accelerator=auto|npu|gpu|cpu} (or
 * {@code MOBIEDIT_LITERT_ACCELERATOR}, or {@code LoadOptions.withAccelerator}); see {@link AcceleratorSelection}.
 */
public final class LitertBackendProvider implements BackendProvider {
  public static final String ID = "litert";
  /** Where the binding reaches a GPU or NPU for the precision: above backend-cpu. */
  static final int ACCELERATED_PRIORITY = 20;

  private final Supplier<List<RuntimeBinding>> bindings;

  public LitertBackendProvider() {
    this(RuntimeBindings::installed);
  }

  /** With other bindings than this jar's (tests: a device's answers). */
  LitertBackendProvider(Supplier<List<RuntimeBinding>> bindings) {
    this.bindings = bindings;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "TFLite/LiteRT runtime running graphs the SDK writes from the loaded weights (GPU and NNAPI through"
        + " TensorFlow Lite for Android; XNNPACK on the CPU)";
  }

  /** Below backend-cpu unless named or accelerated ({@link #priority(Precision)}). */
  @Override
  public int priority() {
    return -10;
  }

  /**
   * {@link #ACCELERATED_PRIORITY} where the binding reaches a GPU or NPU that runs {@code precision} faithfully (with
   * the accelerator setting of the property or environment). Otherwise, for {@link Precision#INT8_DYNAMIC} 10: there
   * this backend runs XNNPACK's integer kernels (several times backend-cpu's prefill and edit-step speed), where
   * backend-cpu computes the same rounding in Java as the reference. Below backend-cpu for every other precision.
   */
  @Override
  public int priority(Precision precision) {
    if (acceleratorFor(precision) != Accelerator.CPU) {
      return ACCELERATED_PRIORITY;
    }
    return precision == Precision.INT8_DYNAMIC ? 10 : priority();
  }

  /** The accelerator models of {@code precision} would run on here; the CPU when nothing else is or can be chosen. */
  private Accelerator acceleratorFor(Precision precision) {
    try {
      RuntimeBinding binding = RuntimeBindings.choose(RuntimeBindings.settingFromEnvironment(), bindings.get());
      return AcceleratorSelection.select(AcceleratorSelection.settingFromEnvironment(), precision,
          binding.accelerators()).chosen();
    } catch (MobiEditException e) {
      return Accelerator.CPU; // support() and create() report it
    }
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public Support support() {
    try {
      RuntimeBinding binding = RuntimeBindings.choose(RuntimeBindings.settingFromEnvironment(), bindings.get());
      AcceleratorSelection.settingFromEnvironment();
      return Support.yes("runtime: " + binding.description());
    } catch (MobiEditException e) {
      return Support.no(e.getMessage());
    }
  }

  @Override
  public Backend create(BackendConfig config) {
    RuntimeBinding binding = RuntimeBindings.choose(RuntimeBindings.settingFromEnvironment(), bindings.get());
    return new LitertBackend(config.threads(), AcceleratorSelection.setting(config.accelerator()), binding,
        config.cacheFolder());
  }
}
