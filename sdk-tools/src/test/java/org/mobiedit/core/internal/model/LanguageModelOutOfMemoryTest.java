package org.mobiedit.core.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.api.Precision;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.TensorNames;
import org.mobiedit.tools.memory.ProcessMemory;
import org.mobiedit.tools.synthetic.SyntheticModel;

/** A backend that runs out of heap while loading ends as a MobiEditException that says what to do. */
class LanguageModelOutOfMemoryTest {
  @TempDir Path dir;

  /** A backend whose load fails as a real one does when the heap is too small. */
  private static final class OutOfHeapBackend implements Backend {
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicReference<ModelWeights> loaded = new AtomicReference<>();

    @Override
    public String id() {
      return "out-of-heap";
    }

    @Override
    public Set<Capability> capabilities() {
      return EnumSet.of(Capability.PRECISION_FP32);
    }

    @Override
    public BackendModel load(ModelWeights weights, Precision precision) {
      loaded.set(weights);
      throw new OutOfMemoryError("Java heap space");
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  @Test
  void outOfMemoryWhileTheBackendLoadsBecomesAMessageNamingTheHeapAndWhatToDo() {
    ModelSpec spec = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(16).intermediateSize(24)
        .layers(1).heads(2).kvHeads(1).vocabSize(300).contextLength(64).tiedEmbeddings(true).attentionBias(true)
        .build();
    Path file = dir.resolve("tiny.gguf");
    SyntheticModel.writeGguf(spec, file, 1, org.mobiedit.spi.DType.F32);
    OutOfHeapBackend backend = new OutOfHeapBackend();

    assertThatThrownBy(() -> LanguageModel.load(file, Precision.FP32, backend, "test"))
        .isInstanceOfSatisfying(MobiEditException.class, e -> {
          assertThat(e.getReason()).isEqualTo(Reason.BACKEND_FAILURE);
          assertThat(e.getMessage()).contains(file.toString(), "ran out of Java heap", " MiB of the ",
              "maximum heap", "as fp32", "Load it in int8 precision", "-Xmx2g");
          assertThat(e.getCause()).isInstanceOf(OutOfMemoryError.class);
        });
    assertThat(backend.closed).isTrue();
    // The model's files were released too: their tensors can no longer be read.
    assertThatThrownBy(() -> backend.loaded.get().tensor(TensorNames.OUTPUT_NORM).readAll())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void freeHeapIsTheMaximumLessWhatIsInUse() {
    Runtime r = Runtime.getRuntime();
    long free = ProcessMemory.freeHeapBytes();
    assertThat(free).isPositive().isLessThanOrEqualTo(r.maxMemory());
    assertThat(free).isGreaterThanOrEqualTo(r.freeMemory());
    assertThat(ProcessMemory.maxHeapBytes()).isEqualTo(r.maxMemory());
  }
}
