package org.mobiedit.backend.cpu.realmodels;

import java.nio.file.Path;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.internal.model.LanguageModel;

/** The demo world model in the repository, for tests of edits that must hold (its facts are learned firmly). */
public final class DemoWorld {
  private DemoWorld() {}

  /** The model in float32 on backend-cpu, two threads. */
  public static LanguageModel load() {
    return load(Precision.FP32);
  }

  /** The model in {@code precision} on backend-cpu, two threads. */
  public static LanguageModel load(Precision precision) {
    return LanguageModel.load(Path.of("../models/mobiedit-world"), new LoadOptions(precision, "cpu", 2));
  }

  /** The logits after the prompt's last token, on the model as it is. */
  public static float[] lastLogits(LanguageModel lm, String prompt) {
    int[] ids = lm.tokenizer().encodeForModel(prompt);
    return lm.backendModel().forward(new int[][] {ids}, new int[][] {{ids.length - 1}})[0][0];
  }
}
