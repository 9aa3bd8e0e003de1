package org.mobiedit.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.tools.memory.ProcessMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mobiedit bench}: what a model costs on this machine in one precision: load time, resident memory, prefill
 * and decode speed, and the time of one optimization step of an edit with and without the prefix cache and with and
 * without batching the perturbations. Run it once per precision (one process each, so memory figures do not mix).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure load time, memory, prefill/decode speed and time per edit step for one model and"
        + " precision.", "Edit steps use EditOptions.recommended() (q = 5, 5 context templates) on a fixed request;"
        + " the first step is a warm-up and is not counted."})
final class BenchCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "256",
      description = "Prompt length for the prefill measurement. Default: ${DEFAULT-VALUE}.")
  int promptTokens;

  @Option(names = "--decode-tokens", paramLabel = "N", defaultValue = "32",
      description = "Tokens generated for the decode measurement. Default: ${DEFAULT-VALUE}.")
  int decodeTokens;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "3",
      description = "Edit steps per variant (the first is a warm-up). Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--variants", paramLabel = "LIST", defaultValue = "cache+batch,cache,batch",
      description = "Edit-step variants: cache+batch (MobiEdit), cache (prefix cache, one call per point), batch (no"
          + " cache, batched), plain (neither). Default: ${DEFAULT-VALUE}.")
  String variants;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Longer than any context the SDK runs; the real bound, the model's context, is checked once it is loaded. */
  static final int MAX_TOKENS = 1 << 20;

  @Override
  public Integer call() {
    OptionCheck check = new OptionCheck(spec);
    LoadOptions load = model.check(check);
    check.range("--prompt-tokens", promptTokens, 1, MAX_TOKENS, "");
    check.range("--decode-tokens", decodeTokens, 1, MAX_TOKENS, "");
    check.range("--steps", steps, 2, OptionCheck.MAX_STEPS, " (the first step is a warm-up)");
    Map<String, EditOptions> variantOptions = new LinkedHashMap<>();
    for (String v : variants.split(",", -1)) {
      String name = v.trim().toLowerCase(Locale.ROOT);
      if (variantOptions.containsKey(name)) {
        throw check.fail("--variants names " + name + " twice.");
      }
      EditOptions.Builder b = variant(name);
      if (b == null) {
        throw check.fail("--variants: " + OptionCheck.quoted(v) + " is not a variant: use cache+batch, cache, batch"
            + " or plain, separated by commas.");
      }
      variantOptions.put(name, b.precision(load.precision()).maxSteps(steps).earlyStopping(false).build());
    }
    JsonObject o = new JsonObject();
    try (Model lm = MobiEdit.load(model.model, load)) {
      int context = lm.spec().contextLength();
      if ((long) promptTokens + decodeTokens > context) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "--prompt-tokens " + promptTokens
            + " plus --decode-tokens " + decodeTokens + " exceed the context of this model (" + context
            + " tokens): lower them.");
      }
      o.addProperty("model", model.model.toString());
      o.addProperty("precision", lm.precision().getId());
      o.addProperty("backend", lm.backendId());
      o.addProperty("parameters", lm.spec().parameterCount());
      o.addProperty("layers", lm.spec().layers());
      o.addProperty("hiddenSize", lm.spec().hiddenSize());
      o.addProperty("threads", model.where.threads);
      o.addProperty("loadMillis", lm.loadNanos() / 1_000_000);
      o.addProperty("backendWeightBytes", lm.memory().weightBytes());
      o.addProperty("residentAfterLoadBytes", ProcessMemory.residentBytes().orElse(0));
      o.addProperty("peakResidentAfterLoadBytes", ProcessMemory.peakResidentBytes().orElse(0));

      Generation g = lm.generate(prompt(lm, promptTokens), GenerationOptions.builder().maxTokens(decodeTokens)
          .stopAtEos(false).build(), (id, piece) -> {});
      o.addProperty("promptTokens", g.getPromptIds().length);
      o.addProperty("prefillTokensPerSecond", g.getPrefillTokensPerSecond());
      o.addProperty("decodeTokensPerSecond", g.getDecodeTokensPerSecond());

      EditRequest request = EditRequest.of("Alice", "{} lives in the city of", "Paris");
      JsonObject stepMillis = new JsonObject();
      for (Map.Entry<String, EditOptions> v : variantOptions.entrySet()) {
        String variant = v.getKey();
        EditOptions options = v.getValue();
        // One editor per variant on the same model; each undoes its edit, and closing the model ends them.
        Editor editor = MobiEdit.open(lm, options);
        ProcessMemory.resetPeak();
        double ms = timePerStep(editor, request, options.getMaxSteps());
        stepMillis.addProperty(variant, ms);
        o.addProperty("peakResident_" + variant, ProcessMemory.peakResidentBytes().orElse(0));
      }
      o.add("stepMillis", stepMillis);
      o.addProperty("peakResidentBytes", ProcessMemory.peakResidentBytes().orElse(0));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(render(o, json));
    out.flush();
    return 0;
  }

  /**
   * The report as one line of JSON or pretty-printed. A speed can be infinite (a step too fast for the clock) or NaN:
   * it is written as such instead of failing the whole run at its end.
   */
  static String render(JsonObject report, boolean oneLine) {
    GsonBuilder gson = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues();
    return (oneLine ? gson : gson.setPrettyPrinting()).create().toJson(report);
  }

  /** Exactly {@code n} prompt ids of repeated text (one encoding per doubling, not one per sentence). */
  private static int[] prompt(Model lm, int n) {
    String sentence = "The quick brown fox jumps over the lazy dog. ";
    int perSentence = Math.max(1, lm.tokenizer().encode(sentence).length);
    int repeats = n / perSentence + 2;
    int[] ids = lm.tokenizer().encodeForModel(sentence.repeat(repeats));
    while (ids.length < n) {
      repeats *= 2;
      ids = lm.tokenizer().encodeForModel(sentence.repeat(repeats));
    }
    return java.util.Arrays.copyOf(ids, n);
  }

  /** The options of a named variant, or null for an unknown name. */
  private static EditOptions.@org.jspecify.annotations.Nullable Builder variant(String name) {
    EditOptions.Builder b = EditOptions.recommended().toBuilder();
    switch (name) {
      case "cache+batch":
        return b.prefixCache(true).batchPerturbations(true);
      case "cache":
        return b.prefixCache(true).batchPerturbations(false);
      case "batch":
        return b.prefixCache(false).batchPerturbations(true);
      case "plain":
        return b.prefixCache(false).batchPerturbations(false);
      default:
        return null;
    }
  }

  /**
   * Mean wall time of steps 2..N (step 1 warms up the JIT and the caches), from the editor's step callbacks; the edit
   * is undone afterwards, so every variant edits the unedited model.
   */
  private static double timePerStep(Editor editor, EditRequest request, int maxSteps) {
    long[] at = new long[maxSteps + 1];
    int applied = editor.getAppliedEdits().size();
    EditResult r = editor.newCall(request, new EditListener() {
      @Override
      public void onStep(int step, int steps, double loss, long forwardPasses) {
        at[step] = System.nanoTime();
      }
    }).execute();
    if (editor.getAppliedEdits().size() > applied) {
      editor.undoLast();
    }
    int last = r.getSteps();
    return (at[last] - at[1]) / 1e6 / (last - 1);
  }
}
