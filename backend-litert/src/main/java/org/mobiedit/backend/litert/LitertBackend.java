package org.mobiedit.backend.litert;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.GraphBackend;
import org.mobiedit.backend.graph.GraphModel;
import org.mobiedit.backend.graph.placement.HardwareSelection;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.accelerator.AcceleratorProbe;
import org.mobiedit.backend.litert.accelerator.AcceleratorSelection;
import org.mobiedit.backend.litert.runtime.RuntimeBinding;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.ModelWeights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The created LiteRT backend. Closing it closes every model it loaded. Thread-safe. */
final class LitertBackend extends GraphBackend {
  private static final Logger log = LoggerFactory.getLogger(LitertBackend.class);
  private final int threads;
  private final @Nullable Accelerator wanted;
  private final RuntimeBinding binding;
  private final AcceleratorProbe probe;
  private final @Nullable Path appCache;

  /**
   * @param wanted the accelerator the user named, or null to choose per model ({@link AcceleratorSelection})
   * @param binding the runtime binding that compiles the graphs on this device
   * @param appCache the app's cache folder ({@link org.mobiedit.spi.BackendConfig#cacheFolder()}), or null
   */
  LitertBackend(int threads, @Nullable Accelerator wanted, RuntimeBinding binding, @Nullable Path appCache) {
    this.threads = threads;
    this.wanted = wanted;
    this.binding = binding;
    this.probe = binding.accelerators();
    this.appCache = appCache;
  }

  @Override
  public String id() {
    return LitertBackendProvider.ID;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.PRECISION_FP32, Capability.PRECISION_INT8, Capability.PRECISION_INT8_A8,
        Capability.PRECISION_INT8_A16, Capability.PRECISION_INT8_DYNAMIC, Capability.KV_CACHE,
        Capability.BATCHED_FORWARD,
        Capability.LAYER_CAPTURE,
        Capability.RESUME_WITH_INJECTION, Capability.RANK_ONE_UPDATE);
  }

  @Override
  protected GraphModel open(ModelWeights weights, Precision precision) {
    if (precision == Precision.INT4) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION,
          "backend-litert does not run int4 weights: its graphs hold float32 or int8 weights. Load the model in int8"
              + " on it, or in int4 on backend-cpu (MOBIEDIT_BACKEND=cpu).");
    }
    // Refuses, with the reason, an accelerator that was named but cannot run this precision here.
    HardwareSelection.Choice<Accelerator> choice = AcceleratorSelection.select(wanted, precision, probe);
    log.info("LiteRT graphs of this {} model: {}, through {}", precision.getId(), choice, binding.id());
    return new GraphModel(weights, precision,
        new TfliteCompiler(precision, threads, GraphCache.fromSettings(appCache), binding, choice.chosen(),
            wanted == null),
        GraphModel.budget(weights.spec(), TfliteCompiler.BUDGET_PROPERTY));
  }
}
