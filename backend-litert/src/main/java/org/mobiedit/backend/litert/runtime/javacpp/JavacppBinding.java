package org.mobiedit.backend.litert.runtime.javacpp;

import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.graph.CompiledGraph;
import org.mobiedit.backend.litert.accelerator.AcceleratorProbe;
import org.mobiedit.backend.litert.runtime.Compilation;
import org.mobiedit.backend.litert.runtime.GraphFile;
import org.mobiedit.backend.litert.runtime.RuntimeBinding;

/**
 * The TFLite interpreter through JavaCPP's presets ({@code org.bytedeco:tensorflow-lite} with the natives of the
 * platform): desktop Linux, macOS, Windows and Android; the CPU only, through XNNPACK ({@link RuntimeAccelerators}).
 */
public final class JavacppBinding implements RuntimeBinding {
  public static final String ID = "javacpp";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "TFLite " + TfliteRuntime.version() + " through JavaCPP (CPU, XNNPACK)";
  }

  @Override
  public @Nullable String loadProblem() {
    return TfliteRuntime.loadProblem();
  }

  @Override
  public AcceleratorProbe accelerators() {
    return new RuntimeAccelerators();
  }

  /** Runs on the CPU whatever the compilation names: the selection only offers the CPU here. */
  @Override
  public CompiledGraph open(GraphFile file, Compilation compilation) {
    TfliteInterpreter it = file.temporary() ? TfliteInterpreter.openAndRemove(file.path(), compilation.threads())
        : TfliteInterpreter.open(file.path(), compilation.threads());
    return it.estimateResidentAs(compilation.residentFactor());
  }
}
