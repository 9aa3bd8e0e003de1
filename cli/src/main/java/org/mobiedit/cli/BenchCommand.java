package org.mobiedit.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.EditRows;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.core.ModelSource;
import org.mobiedit.core.files.AtomicFile;
import org.mobiedit.tools.memory.ProcessMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code mobiedit bench}: what a model costs on this machine in one precision: load time, resident memory, prefill
 * and decode speed, and the time of one optimization step of an edit with and without the prefix cache and with and
 * without batching the perturbations, each as wall time and as the process's CPU time. Run it once per precision
 * (one process each, so memory figures do not mix). {@code --rows-out} writes the token rows of the edit step, so
 * that a baseline (bench/hot-loop/) times its own step on exactly the same tokens.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure load time, memory, prefill/decode speed and time per edit step for one model and"
        + " precision.", "Edit steps use EditOptions.recommended() (q = 5, 5 context templates) on a fixed request;"
        + " the first step is a warm-up and is not counted.",
        "Each measured section is reported as wall time and as CPU time: the CPU time of the whole process (all"
        + " threads, JIT and GC included) from com.sun.management.OperatingSystemMXBean.getProcessCpuTime(), the"
        + " measure of Python's time.process_time() and Node's process.cpuUsage(). On a loaded machine, speeds from"
        + " CPU time (tokens per CPU-second) show the work done where wall time also counts the waiting."})
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

  @Option(names = "--warmup-tokens", paramLabel = "N", defaultValue = "0",
      description = "Before the prefill and decode measurement, generate once untimed from an N-token prompt (2"
          + " tokens), so that the JIT compiler has compiled the kernels. Default: ${DEFAULT-VALUE} (the first"
          + " prefill is measured, compilation included).")
  int warmupTokens;

  @Option(names = "--rows-out", paramLabel = "FILE",
      description = {"Write, as JSON, the token rows the edit step runs on, exactly as the engine builds them: every"
          + " row's token ids (rewrite rows, then the essence row), the subject's last-token position per row, the"
          + " label positions and target ids, the layer, the context templates and the loss settings (replaced if it"
          + " exists)."})
  @Nullable Path rowsOut;

  @Option(names = "--from-channel", description = {"Load the GGUF file as an Android app loads a model it ships as an"
      + " asset: through a FileChannel with the file's offset and length (ModelSource.gguf), not by its path."})
  boolean fromChannel;

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
    check.range("--warmup-tokens", warmupTokens, 0, MAX_TOKENS, "");
    if (rowsOut != null) {
      check.newFile("--rows-out", rowsOut, true);
    }
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
    if (fromChannel && !(Files.isRegularFile(model.model) && model.model.toString().endsWith(".gguf"))) {
      throw check.fail("--from-channel reads one GGUF file; " + model.model + " is not a .gguf file.");
    }
    PrintWriter err = spec.commandLine().getErr();
    progress(err, "loading %s", model.model);
    try (Model lm = fromChannel ? MobiEdit.load(channelSource(model.model), load) : MobiEdit.load(model.model, load)) {
      int context = lm.spec().contextLength();
      if ((long) promptTokens + decodeTokens > context) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "--prompt-tokens " + promptTokens
            + " plus --decode-tokens " + decodeTokens + " exceed the context of this model (" + context
            + " tokens): lower them.");
      }
      o.addProperty("model", model.model.toString());
      o.addProperty("precision", lm.precision().getId());
      o.addProperty("loadedFrom", fromChannel ? "channel" : "path");
      o.addProperty("backend", lm.backendId());
      o.addProperty("parameters", lm.spec().parameterCount());
      o.addProperty("layers", lm.spec().layers());
      o.addProperty("hiddenSize", lm.spec().hiddenSize());
      o.addProperty("threads", model.where.threads);
      o.addProperty("loadMillis", lm.loadNanos() / 1_000_000);
      o.addProperty("backendWeightBytes", lm.memory().weightBytes());
      o.addProperty("residentAfterLoadBytes", ProcessMemory.residentBytes().orElse(0));
      o.addProperty("peakResidentAfterLoadBytes", ProcessMemory.peakResidentBytes().orElse(0));

      progress(err, "loaded in %.1f s; %s", lm.loadNanos() / 1e9, warmupTokens > 0 ? "warming up" : "measuring");
      if (warmupTokens > 0) {
        lm.generate(prompt(lm, Math.min(warmupTokens, context - 2)), GenerationOptions.builder().maxTokens(2)
            .stopAtEos(false).build(), (id, piece) -> {});
      }
      o.addProperty("warmupTokens", warmupTokens);
      progress(err, "prefill of %d tokens and decode of %d", promptTokens, decodeTokens);
      measureGeneration(lm, o);

      EditRequest request = EditRequest.of("Alice", "{} lives in the city of", "Paris");
      JsonObject stepMillis = new JsonObject();
      JsonObject stepCpuMillis = new JsonObject();
      for (Map.Entry<String, EditOptions> v : variantOptions.entrySet()) {
        String variant = v.getKey();
        EditOptions options = v.getValue();
        // One editor per variant on the same model; each undoes its edit, and closing the model ends them.
        progress(err, "edit steps (%s, up to %d steps)", variant, options.getMaxSteps());
        Editor editor = MobiEdit.open(lm, options);
        ProcessMemory.resetPeak();
        StepTimes t = timePerStep(editor, request, options.getMaxSteps());
        stepMillis.addProperty(variant, t.wallMillis);
        stepCpuMillis.addProperty(variant, t.cpuMillis);
        o.addProperty("peakResident_" + variant, ProcessMemory.peakResidentBytes().orElse(0));
        if (!o.has("editRows")) { // the same rows for every variant: the templates come from the same seed
          EditRows rows = lm.editRows(request, t.result.getContextTemplates());
          o.addProperty("editRows", rows.rows().length);
          o.addProperty("editRowTokens", rows.tokenCount());
          if (rowsOut != null) {
            writeRows(rowsOut, rows, t.result, options, o);
          }
        }
      }
      o.add("stepMillis", stepMillis);
      o.add("stepCpuMillis", stepCpuMillis);
      o.addProperty("peakResidentBytes", ProcessMemory.peakResidentBytes().orElse(0));
      o.addProperty("maxHeapBytes", ProcessMemory.maxHeapBytes());
      o.addProperty("peakHeapUsedBytes", peakHeapUsed());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(render(o, json));
    out.flush();
    return 0;
  }

  /** One line on stderr saying what the benchmark does now (stdout keeps only the report). */
  private static void progress(PrintWriter err, String format, Object... args) {
    err.println("bench: " + String.format(Locale.ROOT, format, args) + "...");
    err.flush();
  }

  /**
   * The most Java heap in use at once since the JVM started, summed over the heap's pools (each pool's own peak, so an
   * upper bound; garbage not yet collected counts). Run with a small {@code -Xmx} to show what the heap must hold.
   */
  private static long peakHeapUsed() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /**
   * The report as one line of JSON or pretty-printed. A speed can be infinite (a step too fast for the clock) or NaN:
   * it is written as such instead of failing the whole run at its end.
   */
  static String render(JsonObject report, boolean oneLine) {
    GsonBuilder gson = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues();
    return (oneLine ? gson : gson.setPrettyPrinting()).create().toJson(report);
  }

  /**
   * Times one generation of {@code --prompt-tokens} then {@code --decode-tokens}: wall time as the generation reports
   * it, CPU time from the start to the first token (the prefill) and from the first to the last token (the decode
   * steps), read at the token callbacks.
   */
  private void measureGeneration(Model lm, JsonObject o) {
    int[] ids = prompt(lm, promptTokens);
    ProcessCpuClock cpu = new ProcessCpuClock();
    long[] at = new long[2]; // CPU time at the first and at the last generated token
    int[] count = {0};
    long start = cpu.nanos();
    Generation g = lm.generate(ids, GenerationOptions.builder().maxTokens(decodeTokens).stopAtEos(false).build(),
        (id, piece) -> {
          if (id >= 0) {
            at[count[0]++ == 0 ? 0 : 1] = cpu.nanos();
          }
        });
    int decodeSteps = Math.max(0, g.getGeneratedIds().length - 1);
    o.addProperty("promptTokens", g.getPromptIds().length);
    o.addProperty("prefillTokensPerSecond", g.getPrefillTokensPerSecond());
    o.addProperty("decodeTokensPerSecond", g.getDecodeTokensPerSecond());
    o.addProperty("decodeSteps", decodeSteps);
    o.addProperty("prefillSeconds", g.getPrefillNanos() / 1e9);
    o.addProperty("decodeSeconds", g.getDecodeNanos() / 1e9);
    o.addProperty("prefillCpuSeconds", start < 0 ? Double.NaN : (at[0] - start) / 1e9);
    o.addProperty("decodeCpuSeconds", start < 0 || decodeSteps == 0 ? Double.NaN : (at[1] - at[0]) / 1e9);
  }

  /**
   * The edit rows as JSON, for a baseline that runs its own step on the same tokens (bench/hot-loop/): the rows and
   * their positions, the request, the layer and context templates the engine used, and the loss settings.
   */
  private static void writeRows(Path file, EditRows rows, EditResult result, EditOptions options, JsonObject report) {
    JsonObject r = new JsonObject();
    r.addProperty("model", report.get("model").getAsString());
    r.addProperty("precision", report.get("precision").getAsString());
    EditRequest request = result.getRequest();
    r.addProperty("subject", request.getSubject());
    r.addProperty("prompt", request.getPrompt());
    r.addProperty("newObject", request.getNewObject());
    r.addProperty("layer", result.getLayer());
    r.add("contextTemplates", new Gson().toJsonTree(result.getContextTemplates()));
    r.add("rows", new Gson().toJsonTree(rows.rows()));
    r.addProperty("essenceRow", rows.rows().length - 1);
    r.add("lookupPositions", new Gson().toJsonTree(rows.lookupPositions()));
    r.add("labelPositions", new Gson().toJsonTree(rows.labelPositions()));
    r.add("targetIds", new Gson().toJsonTree(rows.targetIds()));
    r.addProperty("tokens", rows.tokenCount());
    r.addProperty("directions", options.getDirections());
    r.addProperty("epsilon", options.getEpsilon());
    r.addProperty("learningRate", options.getLearningRate());
    r.addProperty("klWeight", options.getKlWeight());
    r.addProperty("weightDecay", options.getWeightDecay());
    AtomicFile.write(file, out -> out.write((render(r, true) + "\n").getBytes(StandardCharsets.UTF_8)));
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
  private static EditOptions.@Nullable Builder variant(String name) {
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

  /** Mean wall and CPU milliseconds per edit step, and the edit's result. */
  private record StepTimes(double wallMillis, double cpuMillis, EditResult result) {}

  /**
   * Mean wall and process CPU time of steps 2..N (step 1 warms up the JIT and the caches), from the editor's step
   * callbacks; the edit is undone afterwards, so every variant edits the unedited model.
   */
  private static StepTimes timePerStep(Editor editor, EditRequest request, int maxSteps) {
    long[] at = new long[maxSteps + 1];
    long[] cpuAt = new long[maxSteps + 1];
    ProcessCpuClock cpu = new ProcessCpuClock();
    int applied = editor.getAppliedEdits().size();
    EditResult r = editor.newCall(request, new EditListener() {
      @Override
      public void onStep(int step, int steps, double loss, long forwardPasses) {
        at[step] = System.nanoTime();
        cpuAt[step] = cpu.nanos();
      }
    }).execute();
    if (editor.getAppliedEdits().size() > applied) {
      editor.undoLast();
    }
    int last = r.getSteps();
    double cpuMillis = cpuAt[1] < 0 ? Double.NaN : (cpuAt[last] - cpuAt[1]) / 1e6 / (last - 1);
    return new StepTimes((at[last] - at[1]) / 1e6 / (last - 1), cpuMillis, r);
  }

  /** The GGUF file as a channel, offset and length, the way an app hands over an asset ({@link ModelSource#gguf}). */
  private static ModelSource channelSource(Path gguf) {
    try {
      FileChannel channel = FileChannel.open(gguf, StandardOpenOption.READ);
      return ModelSource.gguf(channel, 0, channel.size(), gguf.getFileName().toString());
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot open " + gguf + ": " + e.getMessage(), e);
    }
  }
}
