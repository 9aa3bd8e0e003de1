package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.ModelWeights;

/**
 * An editor on a backend that does not claim an editing capability refuses the edit before any work, naming the
 * capability and the backend; one without rank-one updates refuses to load saved edits.
 */
class EditCapabilityCheckTest {
  @TempDir Path dir;

  /** The CPU backend under another id, claiming all it offers but {@code withheld}, recording every model call. */
  private static LanguageModel load(Capability withheld, List<String> calls) {
    Backend cpu = new CpuBackendProvider().create(new BackendConfig(2));
    Backend partial = new Backend() {
      @Override
      public String id() {
        return "partial";
      }

      @Override
      public Set<Capability> capabilities() {
        Set<Capability> claimed = EnumSet.copyOf(cpu.capabilities());
        claimed.remove(withheld);
        return claimed;
      }

      @Override
      public BackendModel load(ModelWeights weights, Precision precision) {
        BackendModel real = cpu.load(weights, precision);
        return (BackendModel) Proxy.newProxyInstance(BackendModel.class.getClassLoader(),
            new Class<?>[] {BackendModel.class}, (proxy, m, args) -> {
              calls.add(m.getName());
              try {
                return m.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }

      @Override
      public void close() {
        cpu.close();
      }
    };
    return LanguageModel.load(Stories260K.path(), Precision.FP32, partial, "test");
  }

  @Test
  void anEditOnABackendWithoutResumeWithInjectionIsRefusedBeforeAnyWork() {
    List<String> calls = new ArrayList<>();
    try (LanguageModel lm = load(Capability.RESUME_WITH_INJECTION, calls)) {
      float[] before = Stories260K.logits(lm);
      calls.clear();
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      assertThatThrownBy(() -> editor.edit(Stories260K.TOM_CAT))
          .isInstanceOfSatisfying(MobiEditException.class, e -> assertThat(e.getReason())
              .isEqualTo(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION))
          .hasMessageContaining("'partial'")
          .hasMessageContaining("RESUME_WITH_INJECTION");
      assertThat(calls).isEmpty();
      assertThat(editor.getAppliedEdits()).isEmpty();
      assertArrayEquals(before, Stories260K.logits(lm));
    }
  }

  @Test
  void aBackendWithoutLayerCaptureIsRefusedToo() {
    try (LanguageModel lm = load(Capability.LAYER_CAPTURE, new ArrayList<>())) {
      assertThatThrownBy(() -> new EditEngine(lm).edit(Stories260K.TOM_CAT, Stories260K.OPTIONS))
          .hasMessageContaining("LAYER_CAPTURE");
    }
  }

  @Test
  void savedEditsAreNotLoadedOnABackendWithoutRankOneUpdates() {
    Path patch = dir.resolve("edits.mobiedit");
    try (LanguageModel full = Stories260K.load()) {
      MobiEditor editor = new MobiEditor(full, Stories260K.OPTIONS);
      editor.edit(Stories260K.TOM_CAT);
      editor.save(patch);
    }
    List<String> calls = new ArrayList<>();
    try (LanguageModel lm = load(Capability.RANK_ONE_UPDATE, calls)) {
      calls.clear();
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      assertThatThrownBy(() -> editor.load(patch))
          .isInstanceOfSatisfying(MobiEditException.class, e -> assertThat(e.getReason())
              .isEqualTo(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION))
          .hasMessageContaining("RANK_ONE_UPDATE")
          .hasMessageContaining("applying saved edits");
      assertThat(calls).doesNotContain("applyRankOne");
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
  }
}
