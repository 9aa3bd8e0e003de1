package org.mobiedit.backend.qnn;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.CompiledGraph;
import org.mobiedit.backend.graph.Graph;
import org.mobiedit.backend.graph.GraphCompiler;
import org.mobiedit.backend.qnn.onnx.OnnxWriter;
import org.mobiedit.backend.qnn.provider.ExecutionProvider;
import org.mobiedit.backend.qnn.runtime.OrtGraph;
import org.mobiedit.backend.qnn.runtime.SharedWeights;
import org.mobiedit.backend.qnn.runtime.WeightFile;
import org.mobiedit.spi.ModelSpec;

/**
 * backend-qnn's runtime for {@link org.mobiedit.backend.graph.GraphModel}: a graph is written as ONNX
 * ({@link OnnxWriter}) and compiled into an ONNX Runtime session on the chosen execution provider; every session of
 * the model is fed the same weight tensors ({@link SharedWeights}).
 */
final class OrtCompiler implements GraphCompiler {
  /** Overrides the graph budget, in MiB: {@code -Dmobiedit.qnn.graphMemoryMiB=N}. */
  static final String BUDGET_PROPERTY = "mobiedit.qnn.graphMemoryMiB";
  /**
   * A folder where each session saves its graph as ONNX Runtime optimized it ({@code -Dmobiedit.qnn.optimizedModels=DIR}):
   * the fused kernels it chose (QGemm, MatMulInteger, …) can be read there. Unset: nothing is saved.
   */
  static final String OPTIMIZED_MODELS_PROPERTY = "mobiedit.qnn.optimizedModels";

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final SharedWeights weights = new SharedWeights(env);
  private final ExecutionProvider provider;
  private final int threads;
  /** What each session's arena is expected to keep besides its inputs and outputs ({@link #workspace}). */
  private final long workspace;
  /** The most elements of an int8 weight a product reads at once ({@link #blockElements}). */
  private final long blockElements;
  private final @Nullable Path contextCache;
  /** With weights in the graphs: the weights file and the folder the graphs are written to; else null. */
  private final @Nullable WeightFile weightFile;
  private final @Nullable Path temporaryFolder;

  /**
   * @param contextCache where the QNN provider keeps compiled context binaries (the app's cache folder), or null
   * @param weightsInGraphs whether graphs hold the weights as initializers in an external data file (what the QNN
   *     provider needs to compile them as constants) instead of taking them as inputs from {@link SharedWeights}
   * @param workspace what each session's arena is expected to keep besides its inputs and outputs
   *     ({@link #workspace(ModelSpec, Precision)}), counted in each graph's resident bytes
   * @param blockElements products whose int8 weight holds more than twice this many elements are written over blocks
   *     of its rows holding at most that many ({@link #blockElements(ModelSpec)})
   */
  OrtCompiler(ExecutionProvider provider, int threads, @Nullable Path contextCache, boolean weightsInGraphs,
      long workspace, long blockElements) {
    this.provider = provider;
    this.threads = threads;
    this.workspace = workspace;
    this.blockElements = blockElements;
    this.contextCache = contextCache;
    if (weightsInGraphs) {
      try {
        this.temporaryFolder = contextCache == null ? Files.createTempDirectory("mobiedit-onnx-") : null;
      } catch (IOException e) {
        throw new MobiEditException(MobiEditException.Reason.IO, "No temporary folder for ONNX graphs ("
            + e.getMessage() + "): set -D" + QnnBackendProvider.CONTEXT_CACHE_PROPERTY + " to a writable folder.", e);
      }
      Path folder = contextCache != null ? contextCache : temporaryFolder;
      this.weightFile = new WeightFile(folder.resolve("weights-" + Long.toHexString(System.nanoTime()) + ".bin"));
    } else {
      this.temporaryFolder = null;
      this.weightFile = null;
    }
  }

  @Override
  public CompiledGraph compile(String modelFingerprint, String key, Supplier<Graph> graph) {
    Path context = contextFile(modelFingerprint, key);
    if (context != null && Files.isRegularFile(context)) {
      return fromContext(context, key, graph.get());
    }
    OnnxWriter.OnnxGraph written = weightFile == null
        ? OnnxWriter.write(graph.get(), "mobiedit " + key, blockElements)
        : OnnxWriter.write(graph.get(), "mobiedit " + key, blockElements, weightFile);
    OrtSession session;
    try (OrtSession.SessionOptions options = options(key, context)) {
      if (weightFile == null) {
        session = env.createSession(written.model(), options);
      } else {
        // external data resolves against the model's folder: the graph is written next to the weights
        Path model = weightFile.folder().resolve(key + ".onnx");
        Files.write(model, written.model());
        try {
          session = env.createSession(model.toString(), options);
        } finally {
          Files.deleteIfExists(model); // read by now, weights included
        }
      }
    } catch (OrtException | IOException e) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE, "ONNX Runtime could not compile the graph "
          + key + " on its " + provider.id() + " provider: " + e.getMessage(), e);
    }
    return new OrtGraph(env, session, written, weights, workspace);
  }

  /**
   * Where the QNN provider keeps the compiled context of graph {@code key}: a file in the context cache folder named
   * by the graph and the model, or null (no NPU, or no cache folder).
   */
  @Nullable Path contextFile(String modelFingerprint, String key) {
    if (provider != ExecutionProvider.NPU || contextCache == null) {
      return null;
    }
    return contextCache.resolve(key + "-" + Integer.toHexString(modelFingerprint.hashCode()) + "_ctx.onnx");
  }

  /**
   * A session from a context compiled earlier (an app's later starts): the context model holds the HTP's compiled
   * graph and its weights, so nothing is written and no weight is fed; the graph is described only for its ports.
   */
  private CompiledGraph fromContext(Path context, String key, Graph graph) {
    OnnxWriter.OnnxGraph ports = OnnxWriter.write(graph, "mobiedit " + key, blockElements);
    OrtSession session;
    try (OrtSession.SessionOptions options = options(key, null)) {
      session = env.createSession(context.toString(), options);
    } catch (OrtException e) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE, "ONNX Runtime could not load the compiled"
          + " context " + context + " of graph " + key + " (" + e.getMessage() + "): delete it to compile the graph"
          + " again.", e);
    }
    return new OrtGraph(env, session, new OnnxWriter.OnnxGraph(ports.model(), ports.inputs(), ports.outputs(),
        java.util.List.of()), weights, workspace);
  }

  /**
   * The session options for {@link #provider}; on the NPU with {@code generateContext} the compiled context is saved
   * there.
   */
  OrtSession.SessionOptions options(String key, @Nullable Path generateContext) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      String optimized = System.getProperty(OPTIMIZED_MODELS_PROPERTY);
      if (optimized != null && !optimized.trim().isEmpty()) {
        o.setOptimizedModelFilePath(Paths.get(optimized).resolve(key + ".onnx").toString());
      }
      if (provider == ExecutionProvider.NPU) {
        addQnn(o, generateContext);
      }
      return o;
    } catch (OrtException | RuntimeException e) {
      o.close();
      throw e;
    }
  }

  /**
   * The QNN provider on the HTP: {@code backend_type htp}, and with {@code contextFile} the compiled context binary
   * saved there ({@code ep.context_enable}), which {@link #compile} loads instead of compiling on later starts, so a
   * graph compiles once per app install; CPU fallback is disabled, so a graph the HTP cannot take fails instead of
   * running elsewhere unnoticed.
   */
  static void addQnn(OrtSession.SessionOptions o, @Nullable Path contextFile) throws OrtException {
    o.addConfigEntry("session.disable_cpu_ep_fallback", "1");
    if (contextFile != null) {
      o.addConfigEntry("ep.context_enable", "1");
      o.addConfigEntry("ep.context_file_path", contextFile.toString());
    }
    o.addQnn(Map.of("backend_type", "htp", "htp_performance_mode", "burst"));
  }

  /**
   * The most elements of an int8 weight a product reads at once: a layer's largest matrix. The LM head (or tied
   * embedding), when larger than twice that, is multiplied in blocks of its rows no larger ({@link OnnxWriter}).
   */
  static long blockElements(ModelSpec spec) {
    return Math.max((long) spec.intermediateSize(), (long) spec.heads() * spec.headDim()) * spec.hiddenSize();
  }

  /**
   * What ONNX Runtime's arena keeps per session on the CPU provider: with int8 weights fed as inputs, the integer
   * products (int8-a8) transpose each int8 weight into a buffer of its size, and the float ones (int8, int8-a16)
   * dequantize it to float32; the arena keeps the largest such buffer, at most {@link #blockElements} elements of a
   * weight. Float32 weights are multiplied as they are.
   */
  static long workspace(ModelSpec spec, Precision precision) {
    if (precision == Precision.FP32) {
      return 0;
    }
    long head = (long) spec.vocabSize() * spec.hiddenSize();
    long largest = head / 2 > blockElements(spec) ? blockElements(spec) : Math.max(head, blockElements(spec));
    return precision == Precision.INT8_A8 ? largest : 4 * largest;
  }

  /**
   * The default graph budget: half the weight bytes of the precision plus one session's workspace and 64 MiB. Sessions
   * are cheap to make again (the weights are not in them), so keeping few bounds the memory: an edit step needs one
   * (the resume graph), and a step with the others evicted measured 2.1 s against 2.0 s in int8-a8 at the 0.5B shape.
   */
  static long defaultBudget(ModelSpec spec, Precision precision) {
    long weightBytes = spec.parameterCount() * (precision == Precision.FP32 ? 4 : 1);
    return weightBytes / 2 + workspace(spec, precision) + (64L << 20);
  }

  /** True: every session is fed the same weight tensors, made once from the model ({@link SharedWeights}). */
  @Override
  public boolean keepsWeights() {
    return true;
  }

  @Override
  public void keepWeights(Graph graph) {
    if (weightFile != null) {
      OnnxWriter.write(graph, "weights", blockElements, weightFile); // places every weight in the file
    } else {
      OnnxWriter.write(graph, "weights", blockElements).weights().forEach(weights::get);
    }
  }

  /** The shared weight tensors (weights in graphs: 0, each session holds what the provider made of the file). */
  @Override
  public long sharedBytes() {
    return weights.bytes();
  }

  @Override
  public void close() {
    weights.close();
    if (weightFile != null) {
      weightFile.close();
    }
    if (temporaryFolder != null) {
      try (var files = Files.walk(temporaryFolder)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        // a temporary folder left behind is not worth failing a close for
      }
    }
  }
}
