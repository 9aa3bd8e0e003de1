package org.mobiedit.backend.litert;

import java.util.function.Supplier;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.CompiledGraph;
import org.mobiedit.backend.graph.Graph;
import org.mobiedit.backend.graph.GraphCompiler;
import org.mobiedit.backend.graph.TransformerGraph;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.runtime.Compilation;
import org.mobiedit.backend.litert.runtime.RuntimeBinding;
import org.mobiedit.backend.litert.tflite.TfliteWriter;

/**
 * backend-litert's runtime for {@link org.mobiedit.backend.graph.GraphModel}: a graph is written as a TFLite file
 * ({@link TfliteWriter}), kept in the graph cache folder when there is one ({@link GraphCache}), and compiled by the
 * device's runtime binding for the chosen accelerator ({@link RuntimeBinding}).
 */
final class TfliteCompiler implements GraphCompiler {
  /** Overrides the graph budget, in MiB: {@code -Dmobiedit.litert.graphMemoryMiB=N}. */
  static final String BUDGET_PROPERTY = "mobiedit.litert.graphMemoryMiB";

  private final GraphCache cache;
  private final RuntimeBinding binding;
  private final Compilation compilation;

  /**
   * @param accelerator where the graphs run (chosen by the backend)
   * @param chosenAutomatically whether the user left the accelerator to {@code auto}: then a graph an accelerator
   *     cannot take runs on the CPU instead of failing the load
   */
  TfliteCompiler(Precision precision, int threads, GraphCache cache, RuntimeBinding binding, Accelerator accelerator,
      boolean chosenAutomatically) {
    this.cache = cache;
    this.binding = binding;
    this.compilation = new Compilation(accelerator, chosenAutomatically, threads, residentFactor(precision),
        accelerator == Accelerator.CPU ? null : cache.acceleratorFolder());
  }

  /**
   * What a compiled graph is estimated to cost in resident memory, in multiples of its file, from what was measured at
   * the 0.5B shape. Float32 weights: XNNPACK's packed copy plus the mapped file's pages, which stay resident while the
   * graph runs (twice the file). Int8 weights dequantized in the graph: the runtime keeps float32 copies (about 8
   * times the file). int8-dynamic: the products read the int8 constants, XNNPACK packs them as int8 (twice the file).
   */
  private static int residentFactor(Precision precision) {
    return TransformerGraph.WeightForm.of(precision) == TransformerGraph.WeightForm.INT8 ? 8 : 2;
  }

  @Override
  public CompiledGraph compile(String modelFingerprint, String key, Supplier<Graph> graph) {
    return binding.open(cache.file(modelFingerprint, key, () -> TfliteWriter.write(graph.get(), "mobiedit " + key)),
        compilation);
  }
}
