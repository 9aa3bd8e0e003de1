package org.mobiedit.core.internal.edit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.testing.SharedData;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.Capability;
import org.mobiedit.spi.ModelWeights;

/**
 * The real stories260K model (shared data; tests skip without it) on the CPU backend, an edit that succeeds on it
 * at step 20, and its logits read bit for bit.
 */
final class Stories260K {
  /** An edit that succeeds at the first early-stopping check (step 20) with {@link #OPTIONS}. */
  static final EditRequest TOM_CAT = EditRequest.of("Tom", "{} saw a big", "cat");
  /** The recommended options with a budget of 60 steps (early stopping every 20). */
  static final EditOptions OPTIONS = EditOptions.recommended().toBuilder().maxSteps(60).build();

  private Stories260K() {}

  static Path path() {
    return SharedData.require("models/stories260K/stories260K-f32.gguf");
  }

  static LanguageModel load() {
    return LanguageModel.load(path(), new LoadOptions(Precision.FP32, "cpu", 2));
  }

  /** The model on a CPU backend whose models are wrapped (to inject failures). */
  static LanguageModel load(UnaryOperator<BackendModel> wrap) {
    Backend cpu = new CpuBackendProvider().create(new BackendConfig(2));
    Backend wrapping = new Backend() {
      @Override
      public String id() {
        return cpu.id();
      }

      @Override
      public Set<Capability> capabilities() {
        return cpu.capabilities();
      }

      @Override
      public BackendModel load(ModelWeights weights, Precision precision) {
        return wrap.apply(cpu.load(weights, precision));
      }

      @Override
      public void close() {
        cpu.close();
      }
    };
    return LanguageModel.load(path(), Precision.FP32, wrapping, "test");
  }

  /** A backend model that runs {@code before} (which may throw) ahead of every call of the method named so. */
  static BackendModel failing(BackendModel real, String method, Runnable before) {
    return (BackendModel) Proxy.newProxyInstance(BackendModel.class.getClassLoader(),
        new Class<?>[] {BackendModel.class}, (proxy, m, args) -> {
          if (m.getName().equals(method)) {
            before.run();
          }
          try {
            return m.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** The next-token logits after a few prompts, concatenated: equal arrays mean the model computes the same. */
  static float[] logits(LanguageModel lm) {
    float[][] parts = new float[3][];
    String[] prompts = {"Lily went to the", "Tom saw a big", "Once upon a time"};
    for (int i = 0; i < prompts.length; i++) {
      int[] ids = lm.tokenizer().encodeForModel(prompts[i]);
      parts[i] = lm.backendModel().forward(new int[][] {ids}, new int[][] {{ids.length - 1}})[0][0];
    }
    float[] all = new float[parts[0].length * parts.length];
    for (int i = 0; i < parts.length; i++) {
      System.arraycopy(parts[i], 0, all, i * parts[0].length, parts[0].length);
    }
    return all;
  }
}
