package org.mobiedit.backend.qnn;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.GraphBackend;
import org.mobiedit.backend.graph.GraphModel;
import org.mobiedit.backend.graph.placement.HardwareProbe;
import org.mobiedit.backend.graph.placement.HardwareSelection;
import org.mobiedit.backend.qnn.provider.ExecutionProvider;
import org.mobiedit.backend.qnn.provider.ProviderSelection;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.ModelWeights;

/** The created QNN backend. Closing it closes every model it loaded. Thread-safe. */
final class QnnBackend extends GraphBackend {
  private final int threads;
  private final @Nullable ExecutionProvider wanted;
  private final HardwareProbe<ExecutionProvider> probe;
  private final @Nullable Path contextCache;

  /**
   * @param wanted the provider the user named, or null to choose per model ({@link ProviderSelection})
   * @param probe what this ONNX Runtime offers
   * @param contextCache where the QNN provider keeps compiled context binaries, or null
   */
  QnnBackend(int threads, @Nullable ExecutionProvider wanted, HardwareProbe<ExecutionProvider> probe,
      @Nullable Path contextCache) {
    this.threads = threads;
    this.wanted = wanted;
    this.probe = probe;
    this.contextCache = contextCache;
  }

  @Override
  public String id() {
    return QnnBackendProvider.ID;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.PRECISION_FP32, Capability.PRECISION_INT8, Capability.PRECISION_INT8_A8,
        Capability.PRECISION_INT8_A16, Capability.KV_CACHE, Capability.BATCHED_FORWARD, Capability.LAYER_CAPTURE,
        Capability.RESUME_WITH_INJECTION, Capability.RANK_ONE_UPDATE);
  }

  /** The provider a model in {@code precision} runs on here (the setting, the precision, what ONNX Runtime offers). */
  HardwareSelection.Choice<ExecutionProvider> providerFor(Precision precision) {
    return ProviderSelection.RULE.select(wanted, precision, probe);
  }

  @Override
  protected GraphModel open(ModelWeights weights, Precision precision) {
    if (precision == Precision.INT4 || precision == Precision.INT8_DYNAMIC) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION,
          "backend-qnn does not write " + precision.getId() + " graphs yet: load the model in fp32, int8, int8-a8 or"
              + " int8-a16 on it, or use backend-cpu (MOBIEDIT_BACKEND=cpu).");
    }
    ExecutionProvider provider = providerFor(precision).chosen();
    return new GraphModel(weights, precision, new OrtCompiler(provider, threads, contextCache,
        provider == ExecutionProvider.NPU, OrtCompiler.workspace(weights.spec(), precision),
        OrtCompiler.blockElements(weights.spec())),
        GraphModel.budget(OrtCompiler.BUDGET_PROPERTY, OrtCompiler.defaultBudget(weights.spec(), precision)));
  }
}
