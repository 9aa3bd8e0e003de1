package org.mobiedit.backend.litert.runtime;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.litert.accelerator.Accelerator;

/**
 * How a binding compiles one graph.
 *
 * @param accelerator where the graph runs
 * @param fallBackToCpu whether a failure to compile for a GPU or NPU falls back to the CPU (the accelerator was chosen
 *     automatically) instead of failing the load (the user named it)
 * @param threads CPU threads for the graph's CPU operators
 * @param residentFactor the graph's estimated resident memory in multiples of its file (the graph budget counts it)
 * @param acceleratorCache a folder where an accelerator may keep what it compiled (NNAPI's compilation cache), or null
 */
public record Compilation(Accelerator accelerator, boolean fallBackToCpu, int threads, int residentFactor,
    @Nullable Path acceleratorCache) {

  /** The same compilation on the CPU, with no fallback left. */
  public Compilation onCpu() {
    return new Compilation(Accelerator.CPU, false, threads, residentFactor, acceleratorCache);
  }
}
