package org.mobiedit.backend.litert.runtime.android;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.runtime.TensorRunner;

/**
 * Compiles a mapped TFLite model for one accelerator. In an app: {@link OfficialInterpreter#open}; in this build's
 * tests, another runtime behind the same buffers, since Google's Android runtime cannot run here.
 */
@FunctionalInterface
interface RunnerFactory {
  /**
   * @param model the mapped file (kept alive by the runner as long as it is open)
   * @param cacheFolder where the accelerator may keep its compilation, or null
   * @param cacheToken the graph's identity in that folder, or null
   */
  TensorRunner open(ByteBuffer model, Accelerator accelerator, int threads, @Nullable Path cacheFolder,
      @Nullable String cacheToken) throws Exception;
}
