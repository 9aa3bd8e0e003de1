package org.mobiedit.backend.graph;

import java.util.function.Supplier;

/**
 * What a graph backend provides to {@link GraphModel}: a runtime that compiles a described graph. The model decides
 * which graphs exist and feeds them; the compiler decides how they are serialized (TFLite, ONNX), cached on disk,
 * and where they run.
 */
public interface GraphCompiler extends AutoCloseable {
  /**
   * Compiles the graph {@code key} names ({@link TransformerGraph.Variant#key()} plus the precision and activation
   * scales: everything its content depends on besides the model, whose fingerprint is {@code modelFingerprint});
   * {@code graph} builds it when the compiler has no copy of it yet.
   */
  CompiledGraph compile(String modelFingerprint, String key, Supplier<Graph> graph);

  /**
   * Whether this compiler keeps its own copy of every model weight once it has seen a graph naming it (backend-qnn's
   * shared weights). Then {@link GraphModel} hands it, at load, a graph that names them all ({@link #keepWeights}),
   * never reads the model's files again, and lets the SDK release them.
   */
  default boolean keepsWeights() {
    return false;
  }

  /** Takes a copy of the model weights {@code graph} names (only called when {@link #keepsWeights()}). */
  default void keepWeights(Graph graph) {
    throw new UnsupportedOperationException("this compiler does not keep weights");
  }

  /** Memory held for every graph at once (weights the compiler shares between graphs), in bytes; 0 if none. */
  default long sharedBytes() {
    return 0;
  }

  /** Frees what {@link #sharedBytes()} counts; called when the model closes, after its graphs. */
  @Override
  default void close() {}
}
