package org.mobiedit.backend.cpu;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.kernel.DotProduct;
import org.mobiedit.backend.cpu.kernel.Workers;
import org.mobiedit.backend.cpu.memory.DirectMemoryBudget;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.ModelWeights;

/**
 * The pure-Java reference backend. Owns {@code threads - 1} daemon worker threads (the caller is the last one).
 * {@link #close()} is idempotent and closes every model it loaded.
 */
public final class CpuBackend implements Backend {
  private final Workers workers;
  private final DotProduct kernel;
  private final DirectMemoryBudget budget;
  private final List<CpuModel> models = new ArrayList<>();
  private boolean closed;

  CpuBackend(int threads, DotProduct kernel) {
    this(threads, kernel, DirectMemoryBudget.ofRuntime());
  }

  CpuBackend(int threads, DotProduct kernel, DirectMemoryBudget budget) {
    this.workers = new Workers(threads);
    this.kernel = kernel;
    this.budget = budget;
  }

  @Override
  public String id() {
    return CpuBackendProvider.ID;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.PRECISION_FP32, Capability.PRECISION_INT8,
        Capability.PRECISION_INT8_A8, Capability.PRECISION_INT8_A16, Capability.PRECISION_INT8_DYNAMIC,
        Capability.PRECISION_INT4, Capability.KV_CACHE,
        Capability.BATCHED_FORWARD, Capability.LAYER_CAPTURE, Capability.RESUME_WITH_INJECTION,
        Capability.RANK_ONE_UPDATE);
  }

  @Override
  public synchronized BackendModel load(ModelWeights weights, Precision precision) {
    if (closed) {
      throw new IllegalStateException("this backend was closed");
    }
    // Every weight is copied into direct buffers: refuse a model that cannot fit before copying any.
    budget.check(weights, precision);
    CpuModel m = new CpuModel(weights, precision, workers, kernel);
    models.add(m);
    return m;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    models.forEach(CpuModel::close);
    models.clear();
    workers.close();
  }
}
