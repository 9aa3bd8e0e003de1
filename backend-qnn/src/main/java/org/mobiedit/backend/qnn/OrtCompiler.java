package org.mobiedit.backend.qnn;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.graph.CompiledGraph;
import org.mobiedit.backend.graph.Graph;
import org.mobiedit.backend.graph.GraphCompiler;
import org.mobiedit.backend.qnn.onnx.OnnxWriter;
import org.mobiedit.backend.qnn.provider.ExecutionProvider;
import org.mobiedit.backend.qnn.runtime.OrtGraph;
import org.mobiedit.backend.qnn.runtime.SharedWeights;

/**
 * backend-qnn's runtime for {@link org.mobiedit.backend.graph.GraphModel}: a graph is written as ONNX
 * ({@link OnnxWriter}) and compiled into an ONNX Runtime session on the chosen execution provider; every session of
 * the model is fed the same weight tensors ({@link SharedWeights}).
 */
final class OrtCompiler implements GraphCompiler {
  /** Overrides the graph budget, in MiB: {@code -Dmobiedit.qnn.graphMemoryMiB=N}. */
  static final String BUDGET_PROPERTY = "mobiedit.qnn.graphMemoryMiB";

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final SharedWeights weights = new SharedWeights(env);
  private final ExecutionProvider provider;
  private final int threads;
  private final @Nullable Path contextCache;

  /**
   * @param contextCache where the QNN provider keeps compiled context binaries (the app's cache folder), or null
   */
  OrtCompiler(ExecutionProvider provider, int threads, @Nullable Path contextCache) {
    this.provider = provider;
    this.threads = threads;
    this.contextCache = contextCache;
  }

  @Override
  public CompiledGraph compile(String modelFingerprint, String key, Supplier<Graph> graph) {
    OnnxWriter.OnnxGraph written = OnnxWriter.write(graph.get(), "mobiedit " + key);
    OrtSession session;
    try (OrtSession.SessionOptions options = options(modelFingerprint, key)) {
      session = env.createSession(written.model(), options);
    } catch (OrtException e) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE, "ONNX Runtime could not compile the graph "
          + key + " on its " + provider.id() + " provider: " + e.getMessage(), e);
    }
    return new OrtGraph(env, session, written, weights);
  }

  /** The session options for {@link #provider}. */
  OrtSession.SessionOptions options(String modelFingerprint, String key) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      if (provider == ExecutionProvider.NPU) {
        addQnn(o, contextCache == null ? null
            : contextCache.resolve(key + "-" + Integer.toHexString(modelFingerprint.hashCode()) + "_ctx.onnx"));
      }
      return o;
    } catch (OrtException | RuntimeException e) {
      o.close();
      throw e;
    }
  }

  /**
   * The QNN provider on the HTP: {@code backend_type htp}, and with a cache folder the compiled context binary kept
   * there ({@code ep.context_enable}), so a graph compiles once per app install; CPU fallback is disabled, so a graph
   * the HTP cannot take fails instead of running elsewhere unnoticed.
   */
  static void addQnn(OrtSession.SessionOptions o, @Nullable Path contextFile) throws OrtException {
    o.addConfigEntry("session.disable_cpu_ep_fallback", "1");
    if (contextFile != null) {
      o.addConfigEntry("ep.context_enable", "1");
      o.addConfigEntry("ep.context_file_path", contextFile.toString());
    }
    o.addQnn(Map.of("backend_type", "htp", "htp_performance_mode", "burst"));
  }

  @Override
  public long sharedBytes() {
    return weights.bytes();
  }

  @Override
  public void close() {
    weights.close();
  }
}
